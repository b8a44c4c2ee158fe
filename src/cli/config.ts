import type { Command } from "commander";
import type { CliContext } from "./context.js";

export function registerConfig(program: Command, ctx: CliContext): void {
  const config = program.command("config");

  config
    .command("get <key>")
    .description("print one setting")
    .action(async (key: string, _opts, command: Command) => {
      const { runConfigGet } = await import("../commands/config.js");
      const entry = runConfigGet({ key }, ctx.deps);
      const out = ctx.output(command);
      if (out.globals.json) out.json(entry);
      else if (entry.value !== null) out.data(entry.value);
    });

  config
    .command("set <key> <value>")
    .description("change one setting")
    .action(async (key: string, value: string, _opts, command: Command) => {
      const { runConfigSet } = await import("../commands/config.js");
      const entry = runConfigSet({ key, value }, ctx.deps);
      const out = ctx.output(command);
      if (out.globals.json) out.json(entry);
      else out.info(`${entry.key} = ${entry.value}`);
    });

  config
    .command("unset <key>")
    .description("remove one setting")
    .action(async (key: string, _opts, command: Command) => {
      const { runConfigUnset } = await import("../commands/config.js");
      const result = runConfigUnset({ key }, ctx.deps);
      const out = ctx.output(command);
      if (out.globals.json) out.json(result);
      else out.info(result.removed ? `${key} removed` : `${key} was not set`);
    });

  config
    .command("list")
    .description("list every setting with its value and meaning")
    .action(async (_opts, command: Command) => {
      const { runConfigList } = await import("../commands/config.js");
      const entries = runConfigList({}, ctx.deps);
      const out = ctx.output(command);
      if (out.globals.json) out.json(entries);
      else {
        const width = Math.max(...entries.map((e) => e.key.length));
        out.data(
          entries
            .map((e) => `${e.key.padEnd(width)}  ${e.value ?? "(not set)"}  # ${e.description}`)
            .join("\n"),
        );
      }
    });

  config
    .command("path")
    .description("print where the config file, credentials and database live")
    .action(async (_opts, command: Command) => {
      const { runConfigPath } = await import("../commands/config.js");
      const paths = runConfigPath({}, ctx.deps);
      const out = ctx.output(command);
      if (out.globals.json) out.json(paths);
      else out.data(paths.config);
    });
}
