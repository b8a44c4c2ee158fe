import { mask } from "../credentials.js";
import type { Deps } from "../deps.js";
import { AuthError, RemoteError } from "../errors.js";
import { VERSION } from "../version.js";
import { LicenseRefused, LicenseServiceUnavailable, validateWithService } from "./client.js";
import { ACTIVATE_HINT, PRO_FEATURES } from "./constants.js";
import { licenseKeyHash } from "./hash.js";
import { machineId } from "./machine.js";
import {
  type CachedLicense,
  readCachedLicense,
  resolveLicenseKey,
  storeLicenseKey,
  writeCachedLicense,
} from "./store.js";
import { judgeExpiry, type LicenseClaims, publicKeyPem, TokenRejected, verifyLicenseToken } from "./token.js";

/** What a valid licence allows and until when: returned by requirePro, shown by `license status` and `doctor`. */
export interface LicenseInfo {
  plan: string;
  /** Whop membership status when the token was issued. */
  status: string;
  /** valid: token not expired; grace: expired, working offline until graceUntil. */
  state: "valid" | "grace";
  /** "••••abcd" of the licence key. */
  key: string;
  machineId: string;
  issuedAt: string;
  expiresAt: string;
  graceUntil: string;
  /** When the Whop membership renews or ends, when the service said. */
  renewsAt: string | null;
  allows: string[];
}

/** How the licence looks without contacting anyone (for `license status` and `doctor`). */
export type LicenseInspection =
  | { state: "none"; message: string }
  | { state: "invalid"; message: string; reason: TokenRejected["reason"] }
  | { state: "expired"; message: string; expiredAt: string; graceUntil: string }
  | { state: "valid" | "grace"; info: LicenseInfo; ageMs: number };

/** Timeouts (ms): activation waits a while; the refresh inside Pro commands stays short. */
export const ACTIVATE_TIMEOUT_MS = 15_000;
export const REFRESH_TIMEOUT_MS = 3_000;

const BOUND_HINT =
  "Release it on the other machine with `authorstack license deactivate` (or reset the key in your Whop " +
  "account: Orders → your AuthorStack Pro purchase → Reset key), then run `authorstack license activate <key>` here.";

function infoFrom(
  claims: LicenseClaims,
  judgement: ReturnType<typeof judgeExpiry>,
  maskedKey: string,
): LicenseInfo {
  return {
    plan: claims.plan,
    status: claims.status,
    state: judgement.state === "grace" ? "grace" : "valid",
    key: maskedKey,
    machineId: claims.mid,
    issuedAt: judgement.issuedAt.toISOString(),
    expiresAt: judgement.expiresAt.toISOString(),
    graceUntil: judgement.graceUntil.toISOString(),
    renewsAt: typeof claims.renews_at === "number" ? new Date(claims.renews_at * 1000).toISOString() : null,
    allows: [...PRO_FEATURES],
  };
}

/**
 * Reads and verifies the cached token against this machine and the licence key in use
 * (AUTHORSTACK_LICENSE_KEY, else the stored one). Never contacts the service.
 */
export async function inspectLicense(deps: Deps): Promise<LicenseInspection> {
  const cached = readCachedLicense(deps);
  if (!cached) return { state: "none", message: "no licence is activated on this computer" };
  const key = resolveLicenseKey(deps);
  if (!key) return { state: "none", message: "no licence key is stored on this computer" };
  let claims: LicenseClaims;
  let judgement: ReturnType<typeof judgeExpiry>;
  try {
    claims = await verifyLicenseToken(cached.token, {
      publicKeyPem: publicKeyPem(deps),
      machineId: machineId(deps),
      keyHash: licenseKeyHash(key.key),
    });
    judgement = judgeExpiry(claims, deps.now());
  } catch (error) {
    if (error instanceof TokenRejected) {
      return {
        state: "invalid",
        reason: error.reason,
        message: `the cached licence was rejected: ${error.message}`,
      };
    }
    throw error;
  }
  if (judgement.state === "expired") {
    return {
      state: "expired",
      expiredAt: judgement.expiresAt.toISOString(),
      graceUntil: judgement.graceUntil.toISOString(),
      message: `the licence token expired on ${judgement.expiresAt.toISOString()} and the 7-day offline grace ended on ${judgement.graceUntil.toISOString()}`,
    };
  }
  return { state: judgement.state, info: infoFrom(claims, judgement, mask(key.key)), ageMs: judgement.ageMs };
}

/** Turns a refusal from the service into the error the user sees (exit 4). */
export function refusalError(error: LicenseRefused): AuthError {
  switch (error.code) {
    case "license_bound_elsewhere":
      return new AuthError(`this licence key is bound to another machine (${error.message}).`, {
        hint: BOUND_HINT,
      });
    case "license_not_found":
      return new AuthError(
        error.message.includes("not an AuthorStack")
          ? `${error.message} (it belongs to another product).`
          : "the licence service does not know this licence key.",
        {
          hint: "Check the key in your Whop account (Orders → AuthorStack Pro → licence key) and run `authorstack license activate <key>`.",
        },
      );
    case "license_inactive":
      return new AuthError(`the licence is not valid: ${error.message}.`, {
        hint: "Renew or reactivate AuthorStack Pro in your Whop account, then run `authorstack license activate <key>`.",
      });
    default:
      return new AuthError(
        `the licence service refused the request (${error.httpStatus} ${error.code}: ${error.message}).`,
        {
          hint: ACTIVATE_HINT,
        },
      );
  }
}

/**
 * Asks the service for a token for `key` on this machine, verifies it like any cached token, and
 * stores the token (license.json) and, with storeKey, the key (credentials store). Throws
 * LicenseRefused / LicenseServiceUnavailable from the service for the caller to map, and AuthError
 * when the answer does not verify.
 */
export async function fetchAndStoreToken(
  deps: Deps,
  key: string,
  options: { timeoutMs: number; storeKey: boolean },
): Promise<LicenseInfo> {
  const mid = machineId(deps);
  const answer = await validateWithService(
    deps,
    { licenseKey: key, machineId: mid, appVersion: VERSION },
    options.timeoutMs,
  );
  let claims: LicenseClaims;
  let judgement: ReturnType<typeof judgeExpiry>;
  try {
    claims = await verifyLicenseToken(answer.token, {
      publicKeyPem: publicKeyPem(deps),
      machineId: mid,
      keyHash: licenseKeyHash(key),
    });
    judgement = judgeExpiry(claims, deps.now());
  } catch (error) {
    if (error instanceof TokenRejected) {
      const hint =
        error.reason === "clock"
          ? "Set this computer's clock right (enable automatic time / NTP), then activate again."
          : error.reason === "signature"
            ? "The licence service's key does not match this AuthorStack build: check AUTHORSTACK_LICENSE_URL and AUTHORSTACK_LICENSE_PUBLIC_KEY."
            : undefined;
      throw new AuthError(`the licence service's answer was rejected: ${error.message}.`, { hint });
    }
    throw error;
  }
  if (judgement.state === "expired") {
    throw new AuthError("the licence service sent a token that has already expired.", {
      hint: "Check this computer's clock (enable automatic time / NTP), then activate again.",
    });
  }
  if (options.storeKey) storeLicenseKey(deps, key);
  const cached: CachedLicense = {
    token: answer.token,
    receivedAt: deps.now().toISOString(),
    maskedKey: mask(key),
  };
  writeCachedLicense(deps, cached);
  return infoFrom(claims, judgement, mask(key));
}

/** `license activate`: contacts the service and maps its answers to exit codes 4 and 5. */
export async function activateLicense(deps: Deps, key: string): Promise<LicenseInfo> {
  try {
    return await fetchAndStoreToken(deps, key, { timeoutMs: ACTIVATE_TIMEOUT_MS, storeKey: true });
  } catch (error) {
    if (error instanceof LicenseRefused) throw refusalError(error);
    if (error instanceof LicenseServiceUnavailable) {
      throw new RemoteError(`${error.message}.`, {
        hint: "Check your internet connection and try again later; AUTHORSTACK_LICENSE_URL or `license.url` set the service address.",
      });
    }
    throw error;
  }
}
