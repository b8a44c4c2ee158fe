import type { Command } from "commander";
import { isInteractive } from "../deps.js";
import { UsageError } from "../errors.js";
import type { CliContext } from "./context.js";

export function registerSync(program: Command, ctx: CliContext): void {
  program
    .command("sync <source>")
    .option("--since <YYYY-MM-DD>", "fetch sales from this UTC day on (instead of since the last sync)")
    .option("--full", "fetch every sale again")
    .option(
      "--concurrency <n>",
      "date windows fetched at once for large ranges (the rate cap still applies)",
      "4",
    )
    .action(
      async (
        source: string,
        opts: { since?: string; full?: boolean; concurrency: string },
        command: Command,
      ) => {
        const concurrency = Number(opts.concurrency);
        if (!/^\d+$/.test(opts.concurrency)) {
          throw new UsageError(`--concurrency must be a whole number, not "${opts.concurrency}".`);
        }
        const { runSync } = await import("../commands/sync.js");
        const out = ctx.output(command);
        const summary = await runSync(
          {
            source,
            since: opts.since,
            full: Boolean(opts.full),
            concurrency,
            interactive: isInteractive(ctx.deps, out.globals),
            progress: Boolean(ctx.deps.stderr.isTTY) && !out.globals.quiet,
          },
          ctx.deps,
        );
        if (out.globals.json) out.json(summary);
        else {
          const range = summary.after ? `since ${summary.after}` : "all sales";
          const resumed = summary.resumed ? ", resumed" : "";
          out.info(
            `Gumroad (${summary.mode}, ${range}${resumed}): ${summary.fetched} sales fetched in ${summary.requests} requests — ` +
              `${summary.new} new, ${summary.updated} updated, ${summary.unchanged} unchanged.`,
          );
        }
      },
    );
}
