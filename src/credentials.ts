import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { AuthorstackError, InputError } from "./errors.js";

/**
 * The credentials store: credentials.json, mode 0600, inside a 0700 folder. It is refused when
 * group or others can read it, because then a token may already have leaked and the user must know.
 * Values are never printed; `mask` shows the last four characters at most.
 */
export type Credentials = Record<string, Record<string, string>>;

export interface CredentialStore {
  get(service: string): Record<string, string> | undefined;
  set(service: string, values: Record<string, string>): void;
  delete(service: string): boolean;
}

export class InsecureCredentialsError extends AuthorstackError {
  override readonly exitCode = 4 as const;
}

export class FileCredentialStore implements CredentialStore {
  constructor(private readonly path: string) {}

  private read(): Credentials {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw error;
    }
    if (process.platform !== "win32" && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8);
      throw new InsecureCredentialsError(
        `${this.path} can be read by other users (mode ${mode}); refusing to use the tokens in it.`,
        { hint: `Run: chmod 600 "${this.path}" — and if others may have read it, log out and log in again.` },
      );
    }
    try {
      return JSON.parse(readFileSync(this.path, "utf8")) as Credentials;
    } catch {
      throw new InputError(`${this.path}: not valid JSON.`, {
        hint: "Delete the file and log in again with `authorstack auth login`.",
      });
    }
  }

  private write(all: Credentials): void {
    const dir = dirname(this.path);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (process.platform !== "win32") chmodSync(dir, 0o700);
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }

  get(service: string): Record<string, string> | undefined {
    return this.read()[service];
  }

  set(service: string, values: Record<string, string>): void {
    const all = this.read();
    all[service] = values;
    this.write(all);
  }

  delete(service: string): boolean {
    const all = this.read();
    if (!(service in all)) return false;
    delete all[service];
    this.write(all);
    return true;
  }
}

/** "••••abcd": enough to tell two tokens apart, never enough to use one. */
export function mask(secret: string): string {
  return `••••${secret.slice(-4)}`;
}
