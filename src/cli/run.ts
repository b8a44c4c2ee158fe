import type { Command } from "commander";
import type { CliContext } from "./context.js";

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command("run")
    .option(
      "--email",
      "send the digest (also when digest.email is not set; recipient from AUTHORSTACK_EMAIL_TO)",
    )
    .action(async (opts: { email?: boolean }, command: Command) => {
      const { runRun, RunFailed } = await import("../commands/run.js");
      const out = ctx.output(command);
      let result: import("../commands/run.js").RunResult;
      try {
        result = await runRun({ email: Boolean(opts.email) }, ctx.deps);
      } catch (error) {
        if (error instanceof RunFailed && out.globals.json) out.json(error.result);
        throw error;
      }
      if (out.globals.json) return out.json(result);
      for (const step of result.steps) {
        if (step.step === "licence") continue;
        const counts = step.counts
          ? ` (${Object.entries(step.counts)
              .map(([k, v]) => `${k} ${v}`)
              .join(", ")})`
          : "";
        out.info(`✓ ${step.step}${step.skipped ? `: ${step.skipped}` : counts}`);
      }
      if (result.digest)
        out.info(`Digest ${result.digest.from} – ${result.digest.to} sent to ${result.digest.recipient}.`);
      if (result.steps.length <= 1)
        out.info("Nothing to do: no API source is connected and no digest is set up.");
    });
}
