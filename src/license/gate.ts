import type { Deps } from "../deps.js";
import { AuthError } from "../errors.js";
import {
  ACTIVATE_TIMEOUT_MS,
  fetchAndStoreToken,
  inspectLicense,
  type LicenseInfo,
  REFRESH_TIMEOUT_MS,
  refusalError,
} from "./check.js";
import { LicenseRefused, LicenseServiceUnavailable } from "./client.js";
import { ACTIVATE_HINT, REFRESH_AFTER_MS } from "./constants.js";
import { licenseKeyHash } from "./hash.js";
import { machineId } from "./machine.js";
import { clearCachedLicense, readCachedLicense, resolveLicenseKey } from "./store.js";
import { publicKeyPem, TokenRejected, verifyLicenseToken } from "./token.js";

export type { LicenseInfo } from "./check.js";

/**
 * The Pro gate. Call it first in every Pro command (`report --email`, `run`, `schedule`):
 *
 *   const licence = await requirePro(deps, "report --email");
 *
 * It verifies the cached licence token (signature with the bundled public key, this machine, this
 * licence key) and its expiry with the 7-day offline grace. When the token is older than a day, or
 * expired but in grace, it asks the licence service for a fresh one with a short timeout; a service
 * that is down or slow is not an error while the cached token is still good. A service that answers
 * "no" (membership ended, key bound elsewhere) revokes the cached token. When no token is cached but
 * AUTHORSTACK_LICENSE_KEY is set, it activates with that key (cron, CI).
 *
 * Throws AuthError (exit 4) saying how to activate when there is no valid licence.
 */
export async function requirePro(deps: Deps, feature: string): Promise<LicenseInfo> {
  const needs = `\`${feature}\` is part of AuthorStack Pro`;
  const key = resolveLicenseKey(deps);
  const cached = readCachedLicense(deps);

  // AUTHORSTACK_LICENSE_KEY with nothing cached for it: activate now (non-interactive set-ups).
  if (key?.from === "env" && !(await cachedTokenIsFor(deps, cached?.token, key.key))) {
    try {
      return await fetchAndStoreToken(deps, key.key, { timeoutMs: ACTIVATE_TIMEOUT_MS, storeKey: false });
    } catch (error) {
      if (error instanceof LicenseRefused) throw withFeature(refusalError(error), needs);
      if (error instanceof LicenseServiceUnavailable) {
        throw new AuthError(
          `${needs}, and the licence in AUTHORSTACK_LICENSE_KEY could not be checked: ${error.message}.`,
          {
            hint: "Check the internet connection and try again; once activated, Pro works offline for the token's lifetime plus 7 days.",
          },
        );
      }
      throw error;
    }
  }

  const inspection = await inspectLicense(deps);
  if (inspection.state === "none") {
    throw new AuthError(`${needs}, and ${inspection.message}.`, { hint: ACTIVATE_HINT });
  }
  if (inspection.state === "invalid") {
    const hint =
      inspection.reason === "clock"
        ? "Set this computer's clock right (enable automatic time / NTP); if it is right, run `authorstack license activate <key>` again."
        : `Run \`authorstack license activate <key>\` again to get a fresh licence token. ${ACTIVATE_HINT.replace(/^Activate[^,]*, or/, "Or")}`;
    throw new AuthError(`${needs}, but ${inspection.message}.`, { hint });
  }

  const needsRefresh =
    inspection.state === "expired" || inspection.state === "grace" || inspection.ageMs > REFRESH_AFTER_MS;
  if (needsRefresh && key) {
    try {
      return await fetchAndStoreToken(deps, key.key, { timeoutMs: REFRESH_TIMEOUT_MS, storeKey: false });
    } catch (error) {
      if (error instanceof LicenseRefused) {
        // The service's "no" is final: the membership ended or the key moved to another machine.
        clearCachedLicense(deps);
        throw withFeature(refusalError(error), needs);
      }
      if (!(error instanceof LicenseServiceUnavailable) && !(error instanceof AuthError)) throw error;
      // Offline, slow, or a bad answer: fall back to the cached token below.
    }
  }

  if (inspection.state === "expired") {
    throw new AuthError(
      `${needs}, but ${inspection.message}, and the licence service could not be reached to renew it.`,
      {
        hint: "Connect to the internet and run `authorstack license activate` (or any Pro command) to renew the token.",
      },
    );
  }
  if (inspection.state === "grace") {
    deps.stderr.write(
      `warning: working offline: the licence token expired on ${inspection.info.expiresAt}; Pro commands keep working until ${inspection.info.graceUntil}. Connect to the internet to renew it.\n`,
    );
  }
  return inspection.info;
}

/** True when `token` verifies for this machine and the licence key `key`. */
async function cachedTokenIsFor(deps: Deps, token: string | undefined, key: string): Promise<boolean> {
  if (!token) return false;
  try {
    await verifyLicenseToken(token, {
      publicKeyPem: publicKeyPem(deps),
      machineId: machineId(deps),
      keyHash: licenseKeyHash(key),
    });
    return true;
  } catch (error) {
    if (error instanceof TokenRejected) return false;
    throw error;
  }
}

function withFeature(error: AuthError, needs: string): AuthError {
  return new AuthError(`${needs}, but ${error.message}`, { hint: error.hint });
}
