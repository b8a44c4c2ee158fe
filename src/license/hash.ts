import { createHash } from "node:crypto";

/**
 * How a licence key appears in tokens, logs and binding records: a SHA-256 hex digest, never the key.
 * The CLI and the service compute it the same way.
 */
export function licenseKeyHash(licenseKey: string): string {
  return createHash("sha256").update(`authorstack-license-key:${licenseKey.trim()}`).digest("hex");
}

/** A short, non-reversible label for logs and status output ("sha256:1a2b3c4d"). */
export function shortKeyHash(licenseKey: string): string {
  return `sha256:${licenseKeyHash(licenseKey).slice(0, 12)}`;
}
