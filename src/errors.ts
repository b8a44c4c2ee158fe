/**
 * Typed errors. Commands throw these; only src/main.ts turns them into exit codes
 * (see the exit-code table in the CLI contract).
 */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  badInput: 3,
  auth: 4,
  remote: 5,
  busy: 6,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class AuthorstackError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.internal;
  /** What the user can do next; printed on its own line. */
  readonly hint?: string;

  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** Exit 2: bad flags, bad dates, missing arguments. */
export class UsageError extends AuthorstackError {
  override readonly exitCode = ExitCode.usage;
}

/** Exit 3: the input data is bad; nothing was written. */
export class InputError extends AuthorstackError {
  override readonly exitCode = ExitCode.badInput;
}

/** Exit 4: authentication or licence needed. */
export class AuthError extends AuthorstackError {
  override readonly exitCode = ExitCode.auth;
}

/** Exit 5: a remote service failed after retries. */
export class RemoteError extends AuthorstackError {
  override readonly exitCode = ExitCode.remote;
}

/** Exit 6: another run holds the lock. */
export class BusyError extends AuthorstackError {
  override readonly exitCode = ExitCode.busy;
}

/**
 * Where in an input file a problem is. Every bad-input message names the file,
 * and the sheet, row and column where they exist.
 */
export interface InputLocation {
  file: string;
  sheet?: string;
  row?: number;
  column?: string;
}

export function describeLocation(loc: InputLocation): string {
  const parts = [loc.file];
  if (loc.sheet !== undefined) parts.push(`sheet "${loc.sheet}"`);
  if (loc.row !== undefined) parts.push(`row ${loc.row}`);
  if (loc.column !== undefined) parts.push(`column "${loc.column}"`);
  return parts.join(", ");
}

export function inputError(loc: InputLocation, what: string, hint?: string): InputError {
  return new InputError(`${describeLocation(loc)}: ${what}`, { hint });
}
