import type { Command as CommandType } from "commander";
import type { Deps } from "../deps.js";
import { VERSION } from "../version.js";
import { registerAuth } from "./auth.js";
import { Command, Option } from "./commander.js";
import { registerConfig } from "./config.js";
import { createContext } from "./context.js";
import { registerDoctor } from "./doctor.js";
import { registerImport } from "./import.js";
import { registerLicense } from "./license.js";
import { registerRates } from "./rates.js";
import { registerReport } from "./report.js";
import { registerRun } from "./run.js";
import { registerSchedule } from "./schedule.js";
import { registerSync } from "./sync.js";

/**
 * The commander tree. Each src/cli/<verb>.ts only maps flags to options and calls one run* function,
 * which it imports lazily so that `--help` and `--version` load nothing heavy.
 */
export function buildProgram(deps: Deps): CommandType {
  const program = new Command("authorstack")
    .description("Your book sales from KDP and Gumroad, exact to the cent, in a private local database.")
    .version(VERSION, "-V, --version", "print the version")
    .option("--json", "print one JSON document on stdout")
    .option("-q, --quiet", "print only errors")
    .option("--no-color", "no colours in output")
    .addOption(new Option("--no-input", "never prompt; fail and name the flag to use instead"))
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
    })
    .exitOverride();

  const ctx = createContext(deps);
  registerImport(program, ctx);
  registerReport(program, ctx);
  registerConfig(program, ctx);
  registerDoctor(program, ctx);
  registerAuth(program, ctx);
  registerSync(program, ctx);
  registerLicense(program, ctx);
  registerRates(program, ctx);
  registerSchedule(program, ctx);
  registerRun(program, ctx);

  for (const command of program.commands) {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
    });
    command.showHelpAfterError("(run with --help for usage)");
  }
  return program;
}
