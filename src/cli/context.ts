import type { Command } from "commander";
import type { Deps, GlobalOptions } from "../deps.js";
import { Output } from "./output.js";

/** What each command's wiring gets: the injected deps and a way to read the global flags. */
export interface CliContext {
  deps: Deps;
  globals(command: Command): GlobalOptions;
  output(command: Command): Output;
}

export function createContext(deps: Deps): CliContext {
  const globals = (command: Command): GlobalOptions => {
    const all = command.optsWithGlobals() as Record<string, unknown>;
    return {
      json: Boolean(all.json),
      quiet: Boolean(all.quiet),
      color: all.color !== false,
      input: all.input !== false,
    };
  };
  return {
    deps,
    globals,
    output: (command) => new Output(deps, globals(command)),
  };
}
