import type { Command } from "commander";
import type { CliContext } from "./context.js";

/**
 * The report's ways out other than the terminal: `--html FILE`, `--open` and `--email [address]`
 * (with `--dry-run`). Wired from src/cli/report.ts; returns false when none of them was asked for.
 */
export interface DeliveryFlags {
  html?: string;
  open?: boolean;
  email?: string | boolean;
  dryRun?: boolean;
}

type ReportFlags = import("../commands/report.js").ReportOptions;

export async function deliverReport(
  flags: DeliveryFlags,
  options: ReportFlags,
  command: Command,
  ctx: CliContext,
): Promise<boolean> {
  const wantsHtml = flags.html !== undefined || Boolean(flags.open);
  const wantsEmail = flags.email !== undefined && flags.email !== false;
  if (!wantsHtml && !wantsEmail) {
    if (flags.dryRun) {
      const { UsageError } = await import("../errors.js");
      throw new UsageError("--dry-run only applies to --email.");
    }
    return false;
  }
  const out = ctx.output(command);
  if (flags.html === "-" && (wantsEmail || out.globals.json)) {
    // stdout carries the page alone: an email would be skipped, a JSON document replaced by HTML.
    const { UsageError } = await import("../errors.js");
    throw new UsageError(
      `--html - (the page on stdout) cannot be combined with ${wantsEmail ? "--email" : "--json"}.`,
      {
        hint: "Write the page to a file with --html FILE instead.",
      },
    );
  }
  const results: Record<string, unknown> = {};

  if (wantsHtml) {
    const { runHtmlReport } = await import("../commands/html-report.js");
    const { isInteractive } = await import("../deps.js");
    const result = await runHtmlReport(
      { ...options, file: flags.html, open: flags.open, interactive: isInteractive(ctx.deps, out.globals) },
      ctx.deps,
    );
    if (result.html !== null) {
      ctx.deps.stdout.write(result.html);
      return true;
    }
    results.html = { file: result.file, bytes: result.bytes, opened: result.opened };
    if (!out.globals.json) {
      if (result.opened) out.info(`Opened ${result.file} in the browser.`);
      else if (flags.open)
        out.info(
          `Wrote ${result.file}; open it in a browser (no browser is opened in a non-interactive session).`,
        );
      else out.info(`Wrote ${result.file}`);
    }
  }

  if (wantsEmail) {
    const { runEmailReport } = await import("../commands/email-report.js");
    const result = await runEmailReport(
      {
        ...options,
        recipient: typeof flags.email === "string" ? flags.email : undefined,
        dryRun: Boolean(flags.dryRun),
      },
      ctx.deps,
    );
    results.email = result;
    if (!out.globals.json) {
      if (result.dryRun) {
        for (const w of result.warnings) out.warn(w);
        out.data(
          [
            `From: ${result.from ?? "(not set)"}`,
            `To: ${result.to ?? "(not set)"}`,
            `Subject: ${result.subject}`,
            `Idempotency-Key: ${result.idempotencyKey}`,
            "",
            result.text,
            "----- HTML part -----",
            result.html ?? "",
          ].join("\n"),
        );
      } else {
        out.info(`Sent "${result.subject}" to ${result.to} (Resend id ${result.id}).`);
      }
    }
  }

  if (out.globals.json) out.json(results);
  return true;
}
