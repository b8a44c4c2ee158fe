import type { Command } from "commander";
import type { CliContext } from "./context.js";

export function registerDoctor(program: Command, ctx: CliContext): void {
  program.command("doctor").action(async (_opts, command: Command) => {
    const { runDoctor } = await import("../commands/doctor.js");
    const { renderDoctor } = await import("../report/render-doctor.js");
    const result = await runDoctor({}, ctx.deps);
    const out = ctx.output(command);
    if (out.globals.json) out.json(result);
    else out.data(renderDoctor(result));
  });
}
