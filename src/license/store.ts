import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Deps } from "../deps.js";

/**
 * The licence cache: `license.json` (mode 0600, next to credentials.json) holds the signed token and
 * when it was received; the licence key itself is a secret and lives in the credentials store under
 * "license". Nothing in here is trusted: the token is verified with the public key on every use.
 */
export interface CachedLicense {
  token: string;
  /** When this computer received the token (local clock). */
  receivedAt: string;
  /** "••••abcd" of the licence key, for status output. */
  maskedKey: string;
}

const CREDENTIALS_SERVICE = "license";

export function licenseCachePath(deps: Deps): string {
  return join(deps.home.configDir, "license.json");
}

export function readCachedLicense(deps: Deps): CachedLicense | undefined {
  const path = licenseCachePath(deps);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<CachedLicense>;
    if (typeof parsed.token !== "string" || typeof parsed.receivedAt !== "string") return undefined;
    return { token: parsed.token, receivedAt: parsed.receivedAt, maskedKey: String(parsed.maskedKey ?? "") };
  } catch {
    // A damaged cache is the same as no cache: the next activation rewrites it.
    return undefined;
  }
}

export function writeCachedLicense(deps: Deps, cached: CachedLicense): void {
  const path = licenseCachePath(deps);
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(cached, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function clearCachedLicense(deps: Deps): boolean {
  const path = licenseCachePath(deps);
  try {
    statSync(path);
  } catch {
    return false;
  }
  rmSync(path, { force: true });
  return true;
}

/** The stored licence key, if `license activate` stored one. */
export function readStoredLicenseKey(deps: Deps): string | undefined {
  const key = deps.credentials.get(CREDENTIALS_SERVICE)?.key;
  return key ? key : undefined;
}

export function storeLicenseKey(deps: Deps, key: string): void {
  deps.credentials.set(CREDENTIALS_SERVICE, { key });
}

export function forgetLicenseKey(deps: Deps): boolean {
  return deps.credentials.delete(CREDENTIALS_SERVICE);
}

/** The licence key to use: AUTHORSTACK_LICENSE_KEY wins over the stored one (cron, CI). */
export function resolveLicenseKey(deps: Deps): { key: string; from: "env" | "stored" } | undefined {
  const fromEnv = deps.env.AUTHORSTACK_LICENSE_KEY?.trim();
  if (fromEnv) return { key: fromEnv, from: "env" };
  const stored = readStoredLicenseKey(deps);
  return stored ? { key: stored, from: "stored" } : undefined;
}
