import { compactVerify, importSPKI } from "jose";
import type { Deps } from "../deps.js";
import {
  CLOCK_SKEW_MS,
  GRANTING_STATUSES,
  OFFLINE_GRACE_MS,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  TOKEN_TYPE,
} from "./constants.js";
import { BUNDLED_LICENSE_PUBLIC_KEY } from "./public-key.js";

/** The claims of a licence token (compact JWS, EdDSA), as the licence service signs them. */
export interface LicenseClaims {
  iss: string;
  aud: string;
  /** licenseKeyHash() of the licence key. */
  sub: string;
  /** The machine id the licence is bound to. */
  mid: string;
  /** Whop membership status when the token was issued. */
  status: string;
  /** "pro". */
  plan: string;
  /** Whop plan id, when known. */
  plan_id?: string | null;
  /** When the membership renews or ends (Whop `renewal_period_end`), unix seconds, when known. */
  renews_at?: number | null;
  iat: number;
  exp: number;
}

/** Why a cached token is not accepted; `message` is for people. */
export class TokenRejected extends Error {
  constructor(
    readonly reason: "signature" | "malformed" | "machine" | "key" | "status" | "clock",
    message: string,
  ) {
    super(message);
  }
}

export function publicKeyPem(deps: Deps): string {
  const override = deps.env.AUTHORSTACK_LICENSE_PUBLIC_KEY?.trim();
  return override ? override.replace(/\\n/g, "\n") : BUNDLED_LICENSE_PUBLIC_KEY;
}

/**
 * Checks the signature with the public key, then that the token is a licence token for this machine
 * and this licence key. Expiry is judged separately (judgeExpiry), because an expired token still
 * counts during the offline grace.
 */
export async function verifyLicenseToken(
  token: string,
  expect: { publicKeyPem: string; machineId: string; keyHash?: string },
): Promise<LicenseClaims> {
  let key: CryptoKey;
  try {
    key = await importSPKI(expect.publicKeyPem, "EdDSA");
  } catch (error) {
    throw new TokenRejected(
      "signature",
      `the licence public key (AUTHORSTACK_LICENSE_PUBLIC_KEY) is not an Ed25519 public key in PEM form (${(error as Error).message})`,
    );
  }
  let payload: Uint8Array;
  let header: { typ?: string; alg?: string };
  try {
    const result = await compactVerify(token, key, { algorithms: ["EdDSA"] });
    payload = result.payload;
    header = result.protectedHeader;
  } catch {
    throw new TokenRejected(
      "signature",
      "the licence token's signature does not verify (edited, or signed by another service)",
    );
  }
  if (header.typ !== TOKEN_TYPE)
    throw new TokenRejected("malformed", "the signed document is not a licence token");
  let claims: LicenseClaims;
  try {
    claims = JSON.parse(new TextDecoder().decode(payload)) as LicenseClaims;
  } catch {
    throw new TokenRejected("malformed", "the licence token's content is not JSON");
  }
  if (
    claims.iss !== TOKEN_ISSUER ||
    claims.aud !== TOKEN_AUDIENCE ||
    typeof claims.sub !== "string" ||
    typeof claims.mid !== "string" ||
    typeof claims.status !== "string" ||
    typeof claims.plan !== "string" ||
    !Number.isFinite(claims.iat) ||
    !Number.isFinite(claims.exp)
  ) {
    throw new TokenRejected("malformed", "the licence token lacks required fields");
  }
  if (claims.mid !== expect.machineId) {
    throw new TokenRejected("machine", "the licence token was issued to another machine");
  }
  if (expect.keyHash !== undefined && claims.sub !== expect.keyHash) {
    throw new TokenRejected("key", "the licence token belongs to another licence key");
  }
  if (!(GRANTING_STATUSES as readonly string[]).includes(claims.status)) {
    throw new TokenRejected("status", `the licence token records the membership as "${claims.status}"`);
  }
  return claims;
}

export interface ExpiryJudgement {
  /** valid: before expiry; grace: expired but within the offline grace; expired: past the grace. */
  state: "valid" | "grace" | "expired";
  issuedAt: Date;
  expiresAt: Date;
  graceUntil: Date;
  /** Age of the token by the local clock, in ms (never negative). */
  ageMs: number;
}

/**
 * Judges a verified token against the local clock. A token issued more than CLOCK_SKEW_MS in the
 * future means the local clock is behind (or was set back to stretch the offline period): rejected.
 */
export function judgeExpiry(claims: LicenseClaims, now: Date): ExpiryJudgement {
  const issuedAt = new Date(claims.iat * 1000);
  const expiresAt = new Date(claims.exp * 1000);
  const graceUntil = new Date(expiresAt.getTime() + OFFLINE_GRACE_MS);
  const t = now.getTime();
  if (issuedAt.getTime() - t > CLOCK_SKEW_MS) {
    const minutes = Math.round((issuedAt.getTime() - t) / 60000);
    throw new TokenRejected(
      "clock",
      `this computer's clock is ${formatMinutes(minutes)} behind the licence service (token issued ${issuedAt.toISOString()}, local time ${now.toISOString()})`,
    );
  }
  const state = t <= expiresAt.getTime() ? "valid" : t <= graceUntil.getTime() ? "grace" : "expired";
  return { state, issuedAt, expiresAt, graceUntil, ageMs: Math.max(0, t - issuedAt.getTime()) };
}

function formatMinutes(minutes: number): string {
  if (minutes < 120) return `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  return `${Math.round(hours / 24)} days`;
}
