import type { Command } from "commander";
import { GROUP_BY_VALUES } from "../report/types.js";
import { Option } from "./commander.js";
import type { CliContext } from "./context.js";

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command("report")
    .option("--from <YYYY-MM-DD>", "first day of the period (inclusive)")
    .option("--to <YYYY-MM-DD>", "last day of the period (inclusive)")
    .option("--last <period>", "7d, 30d, 12w, 6m, 1y, mtd or ytd (default 30d)")
    .addOption(new Option("--by <group>", "group rows by").choices(GROUP_BY_VALUES))
    .option("--source <name>", "only this source: kdp or gumroad (repeatable)", collect)
    .option("--book <id-or-title>", "only one book: ASIN, ISBN, product id or part of the title")
    .option("--currency <code>", "also convert every amount into this currency (estimates; see `rates`)")
    .option("--csv", "print CSV instead of a table")
    .option("--html <file>", 'write a standalone HTML page with charts ("-" for stdout)')
    .option("--open", "write the HTML report to a temporary file and open it in the browser")
    .option(
      "--email [address]",
      "send the report by email through Resend (Pro; default AUTHORSTACK_EMAIL_TO / digest.email)",
    )
    .option("--dry-run", "with --email: print the email instead of sending it")
    .action(async (opts: Record<string, unknown>, command: Command) => {
      const options = {
        from: opts.from as string | undefined,
        to: opts.to as string | undefined,
        last: opts.last as string | undefined,
        by: opts.by as string | undefined,
        sources: opts.source as string[] | undefined,
        book: opts.book as string | undefined,
        currency: opts.currency as string | undefined,
      };
      const { deliverReport } = await import("./report-delivery.js");
      if (await deliverReport(opts, options, command, ctx)) return;
      const { runReport } = await import("../commands/report.js");
      const out = ctx.output(command);
      const report = await runReport(options, ctx.deps);
      if (out.globals.json) out.json(report);
      else if (opts.csv) {
        const { renderCsv } = await import("../report/render-csv.js");
        out.data(renderCsv(report));
      } else {
        const { renderTable } = await import("../report/render-table.js");
        const { useColor } = await import("../deps.js");
        const width = ctx.deps.stdout.isTTY ? (ctx.deps.stdout as { columns?: number }).columns : undefined;
        out.data(renderTable(report, { color: useColor(ctx.deps, out.globals), width }));
      }
    });
}
