import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { CommanderError } from "./cli/commander.js";
import { buildProgram } from "./cli/program.js";
import { type Deps, defaultDeps } from "./deps.js";
import { AuthorstackError, ExitCode } from "./errors.js";

/**
 * Runs the CLI and returns the exit code. The only place where typed errors become exit codes:
 * commands throw, this prints one clear message (and the hint) and maps the error class.
 */
export async function main(argv: string[], deps: Deps = defaultDeps()): Promise<number> {
  try {
    const program = await buildProgram(deps, argv);
    await program.parseAsync(argv, { from: "user" });
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, deps);
  }
}

function reportError(error: unknown, deps: Deps): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (or the help text).
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return ExitCode.ok;
    // Help asked for (`help`, `help auth`) exits 0; help shown because no command was given is a usage error.
    if (error.code === "commander.help" && error.exitCode === 0) return ExitCode.ok;
    return ExitCode.usage;
  }
  if (error instanceof AuthorstackError) {
    deps.stderr.write(`error: ${error.message}\n`);
    if (error.hint) deps.stderr.write(`${error.hint}\n`);
    return error.exitCode;
  }
  const logPath = logInternalError(error, deps);
  const message = error instanceof Error ? error.message : String(error);
  deps.stderr.write(
    `internal error: ${message}\nThis is a bug in AuthorStack. Details are in ${logPath}; please include them in a bug report.\n`,
  );
  return ExitCode.internal;
}

function logInternalError(error: unknown, deps: Deps): string {
  const path = join(deps.home.logsDir, "error.log");
  try {
    mkdirSync(deps.home.logsDir, { recursive: true, mode: 0o700 });
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    appendFileSync(path, `${deps.now().toISOString()} ${detail}\n`, { mode: 0o600 });
  } catch {
    return "(the log could not be written)";
  }
  return path;
}

/** Entry point used by bin/authorstack.js. */
export async function runMain(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2));
}
