import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { InputError, UsageError } from "./errors.js";

/**
 * Non-secret settings in config.json. Keys are dotted paths ("gumroad.clientId"); the file stores them
 * flat so that `config list` shows exactly what `config set` wrote. Secrets never go here: they
 * belong in the credentials store.
 */
export type ConfigValues = Record<string, string>;

/** Every key the program reads, with what it is for. `config set` refuses others (typos). */
export const CONFIG_KEYS: Record<string, string> = {
  "gumroad.clientId": "client id of your own Gumroad OAuth application",
  "gumroad.requestsPerSecond": "client-side rate cap for the Gumroad API (default 2)",
  "sync.lookbackDays": "days re-fetched before the last sync, to catch refunds (default 45)",
  "digest.email": "recipient of the emailed digest (same as AUTHORSTACK_EMAIL_TO)",
  "email.from": "sender of the emailed digest (same as AUTHORSTACK_EMAIL_FROM)",
  "license.url": "address of the AuthorStack licence service",
  "report.defaultPeriod": "period used by `report` without --from/--to/--last (default 30d)",
};

const SECRET_LOOKING = /(secret|token|password|apikey|api_key|key)$/i;

export function readConfig(path: string): ConfigValues {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
    const values: ConfigValues = {};
    for (const [key, value] of Object.entries(parsed)) values[key] = String(value);
    return values;
  } catch (error) {
    throw new InputError(`${path}: not valid JSON (${(error as Error).message})`, {
      hint: `Fix the file by hand or delete it; \`authorstack config path\` shows where it is.`,
    });
  }
}

export function writeConfig(path: string, values: ConfigValues): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const sorted = Object.fromEntries(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)));
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(sorted, null, 2)}\n`, { mode: 0o644 });
  renameSync(tmp, path);
}

export function checkConfigKey(key: string): void {
  if (!(key in CONFIG_KEYS)) {
    const known = Object.keys(CONFIG_KEYS).join(", ");
    const secretHint = SECRET_LOOKING.test(key)
      ? " Secrets are not stored in config.json: use the environment variable or `authorstack auth login`."
      : "";
    throw new UsageError(`unknown config key "${key}".${secretHint}`, { hint: `Known keys: ${known}` });
  }
}
