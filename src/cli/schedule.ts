import type { Command } from "commander";
import type { CliContext } from "./context.js";
import type { Output } from "./output.js";

export function registerSchedule(program: Command, ctx: CliContext): void {
  const schedule = program.command("schedule");

  const print = (out: Output, result: import("../commands/schedule.js").ScheduleResult) => {
    if (out.globals.json) return out.json(result);
    for (const note of result.notes) out.info(note);
    for (const warning of result.warnings) out.warn(warning);
  };

  schedule
    .command("install")
    .description("add (or replace) the marked crontab line; default --daily 07:30")
    .option("--daily <HH:MM>", "run every day at this local time")
    .option("--cron <expr>", 'a cron schedule instead, e.g. "30 7 * * 1-5"')
    .action(async (opts: { daily?: string; cron?: string }, command: Command) => {
      const { runScheduleInstall } = await import("../commands/schedule.js");
      const result = await runScheduleInstall({ daily: opts.daily, cron: opts.cron }, ctx.deps);
      const out = ctx.output(command);
      print(out, result);
      if (out.globals.json) return;
      if (result.action === "manual") {
        out.error("The `crontab` command is not installed here. Add this line to your scheduler by hand:");
        out.data(result.line ?? "");
      } else if (result.action === "unchanged") {
        out.info(`The schedule was already installed (${result.schedule}):`);
        out.info(result.line ?? "");
      } else {
        out.info(`Installed in your crontab (${result.schedule}):`);
        out.info(result.line ?? "");
      }
    });

  schedule
    .command("show")
    .description("print this home folder's crontab line, if any")
    .action(async (_opts, command: Command) => {
      const { runScheduleShow } = await import("../commands/schedule.js");
      const result = await runScheduleShow({}, ctx.deps);
      const out = ctx.output(command);
      print(out, result);
      if (out.globals.json) return;
      if (result.line) out.data(result.line);
      else if (result.crontab)
        out.info("No schedule installed. Add one with `authorstack schedule install --daily 07:30`.");
    });

  schedule
    .command("remove")
    .description("remove this home folder's crontab line; the rest of the crontab is kept as it is")
    .action(async (_opts, command: Command) => {
      const { runScheduleRemove } = await import("../commands/schedule.js");
      const result = await runScheduleRemove({}, ctx.deps);
      const out = ctx.output(command);
      print(out, result);
      if (out.globals.json) return;
      if (result.action === "removed") out.info(`Removed from your crontab: ${result.line}`);
      else if (result.action === "absent") out.info("No schedule was installed; nothing to remove.");
    });
}
