import type { Command } from "commander";
import { isInteractive } from "../deps.js";
import { UsageError } from "../errors.js";
import { Option } from "./commander.js";
import type { CliContext } from "./context.js";

export function registerAuth(program: Command, ctx: CliContext): void {
  const auth = program.command("auth");

  auth
    .command("login <service>")
    .description("connect Gumroad: browser login (OAuth, PKCE) or --with-token")
    .option("--with-token", "read an access token from standard input instead of the browser login")
    .option("--no-browser", "do not open a browser; print the address to open")
    .addOption(new Option("--timeout <seconds>", "how long to wait for the browser login").default("300"))
    .action(
      async (
        service: string,
        opts: { withToken?: boolean; browser: boolean; timeout: string },
        command: Command,
      ) => {
        const timeoutSeconds = Number(opts.timeout);
        if (opts.timeout.trim() === "" || !Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
          // Quote what was typed: the number it became (NaN) means nothing to the user.
          throw new UsageError(`--timeout must be a positive number of seconds, not "${opts.timeout}".`);
        }
        const { runAuthLogin } = await import("../commands/auth.js");
        const out = ctx.output(command);
        const result = await runAuthLogin(
          {
            service,
            withToken: Boolean(opts.withToken),
            browser: opts.browser !== false,
            timeoutSeconds,
            interactive: isInteractive(ctx.deps, out.globals),
            notify: (message) => ctx.deps.stderr.write(`${message}\n`),
          },
          ctx.deps,
        );
        if (out.globals.json) out.json(result);
        else {
          const who = result.account.name ?? result.account.email ?? "your account";
          out.info(
            `Connected to Gumroad as ${who}${result.account.email && result.account.name ? ` <${result.account.email}>` : ""} (token ${result.token}).`,
          );
          if (result.envOverride)
            out.warn("GUMROAD_ACCESS_TOKEN is set and will be used instead of the stored token.");
        }
      },
    );

  auth
    .command("status")
    .description("show which sources are connected (tokens masked)")
    .action(async (_opts, command: Command) => {
      const { runAuthStatus } = await import("../commands/auth.js");
      const status = runAuthStatus({}, ctx.deps);
      const out = ctx.output(command);
      if (out.globals.json) {
        out.json(status);
        return;
      }
      const lines = status.sources.map((s) => {
        if (s.kind === "files") return `${s.source.padEnd(8)} ${s.note}`;
        if (!s.connected) return `${s.source.padEnd(8)} not connected — ${s.note}`;
        const who = s.account ? (s.account.name ?? s.account.email ?? "") : "";
        const email = s.account?.name && s.account.email ? ` <${s.account.email}>` : "";
        const from = s.from === "env" ? " (from GUMROAD_ACCESS_TOKEN)" : "";
        return `${s.source.padEnd(8)} connected${who ? ` as ${who}${email}` : ""}, token ${s.token}${from}`;
      });
      out.data(lines.join("\n"));
    });

  auth
    .command("logout <service>")
    .description("forget the stored token of a service")
    .action(async (service: string, _opts, command: Command) => {
      const { runAuthLogout } = await import("../commands/auth.js");
      const result = runAuthLogout({ service }, ctx.deps);
      const out = ctx.output(command);
      if (out.globals.json) out.json(result);
      else {
        out.info(result.removed ? "Forgot the stored Gumroad token." : "No Gumroad token was stored.");
        if (result.removed) {
          out.info("To revoke it on Gumroad's side too: Settings → Advanced → Applications.");
        }
        if (result.envOverride)
          out.warn("GUMROAD_ACCESS_TOKEN is still set in the environment and will be used.");
      }
    });
}
