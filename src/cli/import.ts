import type { Command } from "commander";
import type { CliContext } from "./context.js";

export function registerImport(program: Command, ctx: CliContext): void {
  const importCommand = program.command("import");

  importCommand
    .command("kdp")
    .description(
      "import Amazon KDP reports (dashboard export, Prior Months' Royalties, Payments; XLSX or CSV)",
    )
    .argument("<file...>", "KDP report files (.xlsx, or a sheet saved as .csv/.tsv)")
    .option("--dry-run", "read and check the files, show what would change, write nothing")
    .action(async (files: string[], opts: { dryRun?: boolean }, command: Command) => {
      const { runImportKdp } = await import("../commands/import.js");
      const { renderImportSummary } = await import("../report/render-import.js");
      const out = ctx.output(command);
      const progress = Boolean(ctx.deps.stderr.isTTY) && !out.globals.quiet;
      const result = await runImportKdp({ files, dryRun: Boolean(opts.dryRun), progress }, ctx.deps);
      if (out.globals.json) out.json(result);
      else if (!out.globals.quiet) out.data(renderImportSummary(result));
    });
}
