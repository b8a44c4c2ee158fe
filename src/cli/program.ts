import type { Command as CommandType } from "commander";
import type { Deps } from "../deps.js";
import { VERSION } from "../version.js";
import { Command, Option } from "./commander.js";
import { type CliContext, createContext } from "./context.js";

type Register = (program: CommandType, ctx: CliContext) => void;

/**
 * Every command, in the order --help lists them. Its wiring (src/cli/<verb>.ts, which only maps flags
 * to one run* function) is loaded only when that command is the one being run: --help needs just the
 * names and descriptions, and every module Node loads at start-up costs time (see bench/startup-bench.js).
 */
const COMMANDS: { name: string; description: string; load: () => Promise<Register> }[] = [
  {
    name: "import",
    description: "import sales report files",
    load: async () => (await import("./import.js")).registerImport,
  },
  {
    name: "report",
    description: "summarise stored sales for a period (table, --json or --csv)",
    load: async () => (await import("./report.js")).registerReport,
  },
  {
    name: "config",
    description: "read and change settings (config.json; never secrets)",
    load: async () => (await import("./config.js")).registerConfig,
  },
  {
    name: "doctor",
    description: "check the home folder, database, Gumroad token, licence, email settings and cron job",
    load: async () => (await import("./doctor.js")).registerDoctor,
  },
  {
    name: "auth",
    description: "connect, check and disconnect sales sources (Gumroad)",
    load: async () => (await import("./auth.js")).registerAuth,
  },
  {
    name: "sync",
    description: "pull new and changed sales from Gumroad into the database (resumable)",
    load: async () => (await import("./sync.js")).registerSync,
  },
  {
    name: "license",
    description: "AuthorStack Pro licence (Whop): activate, status, deactivate",
    load: async () => (await import("./license.js")).registerLicense,
  },
  {
    name: "rates",
    description: "exchange rates for `report --currency`: update from the ECB, import a file, list",
    load: async () => (await import("./rates.js")).registerRates,
  },
  {
    name: "schedule",
    description:
      "run `authorstack run --email --quiet` from cron (Pro): install, show or remove the crontab line",
    load: async () => (await import("./schedule.js")).registerSchedule,
  },
  {
    name: "run",
    description:
      "the cron job (Pro): sync every connected source, then email the digest since the last one; logs to logs/run.log",
    load: async () => (await import("./run.js")).registerRun,
  },
];

/** The command the arguments invoke ("help report" asks about report); global flags take no values. */
function invokedCommand(argv: readonly string[]): string | undefined {
  const words = argv.filter((arg) => !arg.startsWith("-"));
  return words[0] === "help" ? words[1] : words[0];
}

export async function buildProgram(deps: Deps, argv: readonly string[] = []): Promise<CommandType> {
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
  const wanted = invokedCommand(argv);
  for (const spec of COMMANDS) {
    if (spec.name === wanted) (await spec.load())(program, ctx);
    else program.command(spec.name);
    program.commands[program.commands.length - 1]!.description(spec.description);
  }

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
