import type { Command } from "commander";
import { isInteractive } from "../deps.js";
import type { CliContext } from "./context.js";

function day(iso: string | null): string {
  return iso ? iso.replace("T", " ").replace(/:\d\d\.\d+Z$/, " UTC") : "?";
}

export function registerLicense(program: Command, ctx: CliContext): void {
  const license = program.command("license");

  license
    .command("activate [key]")
    .description(
      "activate AuthorStack Pro on this computer (key from your Whop purchase; default AUTHORSTACK_LICENSE_KEY or the stored key, to renew)",
    )
    .action(async (key: string | undefined, _opts, command: Command) => {
      const { runLicenseActivate } = await import("../commands/license.js");
      const out = ctx.output(command);
      const result = await runLicenseActivate(
        { key, interactive: isInteractive(ctx.deps, out.globals) },
        ctx.deps,
      );
      if (out.globals.json) out.json(result);
      else {
        const l = result.license;
        out.info(
          `AuthorStack Pro is active on this computer (licence ${l.key}, Whop membership ${l.status}).\n` +
            `Token valid until ${day(l.expiresAt)}; Pro keeps working offline until ${day(l.graceUntil)} and renews itself when online.\n` +
            `Allows: ${l.allows.join(", ")}.`,
        );
      }
    });

  license
    .command("status")
    .description("show the plan, its expiry and what it allows (never contacts the licence service)")
    .action(async (_opts, command: Command) => {
      const { runLicenseStatus } = await import("../commands/license.js");
      const out = ctx.output(command);
      const s = await runLicenseStatus({}, ctx.deps);
      if (out.globals.json) {
        out.json(s);
        return;
      }
      const lines: string[] = [];
      if (s.pro) {
        lines.push(
          `Plan:     AuthorStack Pro (${s.state === "grace" ? "offline grace" : "valid"}; Whop membership ${s.status})`,
        );
        lines.push(`Licence:  ${s.key}`);
        lines.push(`Expires:  ${day(s.expiresAt)} (works offline until ${day(s.graceUntil)})`);
        if (s.renewsAt) lines.push(`Renews:   ${day(s.renewsAt)}`);
        lines.push("Allows:   report --email, run, schedule, and everything in Free");
      } else {
        lines.push(`Plan:     AuthorStack Free${s.state === "none" ? "" : ` (licence ${s.state})`}`);
        lines.push(`Allows:   ${s.free.join(", ")}`);
        lines.push("Pro adds: report --email, run, schedule");
      }
      lines.push(`Machine:  ${s.machineId}`);
      out.data(lines.join("\n"));
      if (s.message) out.info(s.message);
    });

  license
    .command("deactivate")
    .description("release this computer's licence binding so the key can be used on another computer")
    .action(async (_opts, command: Command) => {
      const { runLicenseDeactivate } = await import("../commands/license.js");
      const out = ctx.output(command);
      const result = await runLicenseDeactivate({}, ctx.deps);
      if (out.globals.json) out.json(result);
      else out.info(`${result.message.charAt(0).toUpperCase()}${result.message.slice(1)}.`);
    });
}
