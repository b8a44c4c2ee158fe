import type { Deps, GlobalOptions } from "../deps.js";

/**
 * Where things are printed: data to stdout, messages to stderr (CLI contract). With --json, stdout
 * carries exactly one JSON document; with --quiet only errors are printed.
 */
export class Output {
  constructor(
    private readonly deps: Deps,
    readonly globals: GlobalOptions,
  ) {}

  /** Data for stdout (a table, CSV, or a rendered report). */
  data(text: string): void {
    this.deps.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  json(value: unknown): void {
    this.deps.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A message for people; hidden by --quiet. */
  info(message: string): void {
    if (!this.globals.quiet) this.deps.stderr.write(`${message}\n`);
  }

  warn(message: string): void {
    if (!this.globals.quiet) this.deps.stderr.write(`warning: ${message}\n`);
  }

  error(message: string): void {
    this.deps.stderr.write(`${message}\n`);
  }
}
