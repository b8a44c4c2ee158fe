import type { Command } from "commander";
import type { CliContext } from "./context.js";

export function registerRates(program: Command, ctx: CliContext): void {
  const rates = program.command("rates");

  rates
    .command("update")
    .description(
      "download the European Central Bank's euro reference rates (AUTHORSTACK_RATES_URL overrides)",
    )
    .action(async (_opts, command: Command) => {
      const { runRatesUpdate } = await import("../commands/rates.js");
      const out = ctx.output(command);
      const result = await runRatesUpdate({}, ctx.deps);
      if (out.globals.json) out.json(result);
      else
        out.info(
          `${result.rates} rates for ${result.currencies} currencies, ${result.first} … ${result.last} (${result.changed} new or changed)`,
        );
    });

  rates
    .command("import <file>")
    .description("read ECB reference rates from eurofxref-hist.zip or .csv on disk")
    .action(async (file: string, _opts, command: Command) => {
      const { runRatesImport } = await import("../commands/rates.js");
      const out = ctx.output(command);
      const result = await runRatesImport({ file }, ctx.deps);
      if (out.globals.json) out.json(result);
      else
        out.info(
          `${result.rates} rates for ${result.currencies} currencies, ${result.first} … ${result.last} (${result.changed} new or changed)`,
        );
    });

  rates
    .command("list")
    .description("show which rates are stored and where they come from")
    .action(async (_opts, command: Command) => {
      const { runRatesList } = await import("../commands/rates.js");
      const out = ctx.output(command);
      const result = runRatesList({}, ctx.deps);
      if (out.globals.json) out.json(result);
      else {
        out.data(
          result.sources
            .map((s) =>
              s.count === 0
                ? `${s.source}: none stored — ${s.description}`
                : `${s.source}: ${s.count} rates, ${s.first} … ${s.last}, ${s.currencies.join(" ")} — ${s.description}`,
            )
            .join("\n"),
        );
      }
    });
}
