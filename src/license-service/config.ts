import { createPrivateKey, createPublicKey } from "node:crypto";

/**
 * Licence service settings, all from the environment (12-factor, so the same code runs under
 * `authorstack-license-service` or a serverless platform):
 *
 *   PORT                  port for the node:http adapter (default 8787)
 *   WHOP_API_KEY          Whop company API key (member:basic:read, member:manage); never logged
 *   WHOP_API_URL          default https://api.whop.com/api/v1
 *   WHOP_API_VERSION      Api-Version-Date sent to Whop (default 2026-07-20, the shape @whop/sdk 0.0.42 uses)
 *   WHOP_PRODUCT_ID       prod_… of AuthorStack Pro; memberships of other products are not licences
 *   LICENSE_SIGNING_KEY   Ed25519 private key, PKCS#8 PEM (literal "\n" accepted)
 *   LICENSE_TOKEN_TTL     token lifetime: seconds, or 90m / 12h / 7d (default 7d)
 *   LICENSE_PAST_DUE_GRACE how long a past_due membership still counts after its period end (default 7d)
 *   RATE_LIMIT_PER_IP     validate/deactivate requests per minute per client IP (default 60)
 *   RATE_LIMIT_PER_KEY    requests per minute per licence key (default 20)
 *   TRUST_PROXY           "1": take the client IP from X-Forwarded-For (behind a reverse proxy)
 *   WHOP_TIMEOUT_MS       per-request timeout towards Whop (default 8000)
 */
export interface ServiceConfig {
  port: number;
  whopApiKey: string;
  whopApiUrl: string;
  whopApiVersion: string;
  whopProductId: string;
  /** PKCS#8 PEM of the Ed25519 signing key. */
  signingKeyPem: string;
  /** SPKI PEM of its public half (what the CLI bundles or gets via AUTHORSTACK_LICENSE_PUBLIC_KEY). */
  publicKeyPem: string;
  tokenTtlSeconds: number;
  pastDueGraceSeconds: number;
  rateLimitPerIp: number;
  rateLimitPerKey: number;
  trustProxy: boolean;
  whopTimeoutMs: number;
}

export class ServiceConfigError extends Error {}

/** "7d", "12h", "90m", "30s" or plain seconds → seconds. */
export function parseDuration(value: string, name: string): number {
  const match = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(value);
  if (!match)
    throw new ServiceConfigError(`${name}="${value}" is not a duration (use seconds, or e.g. 90m, 12h, 7d)`);
  const n = Number(match[1]);
  const unit = (match[2] || "s").toLowerCase();
  const seconds = n * ({ s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[unit]!;
  if (seconds <= 0) throw new ServiceConfigError(`${name} must be more than zero`);
  return seconds;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new ServiceConfigError(`${name}="${raw}" must be a whole number above zero`);
  return n;
}

export function loadServiceConfig(env: NodeJS.ProcessEnv): ServiceConfig {
  const missing = ["WHOP_API_KEY", "WHOP_PRODUCT_ID", "LICENSE_SIGNING_KEY"].filter(
    (name) => !env[name]?.trim(),
  );
  if (missing.length > 0) {
    throw new ServiceConfigError(
      `missing environment variable${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`,
    );
  }
  const signingKeyPem = env.LICENSE_SIGNING_KEY!.trim().replace(/\\n/g, "\n");
  let publicKeyPem: string;
  try {
    const key = createPrivateKey(signingKeyPem);
    if (key.asymmetricKeyType !== "ed25519") {
      throw new ServiceConfigError(
        `LICENSE_SIGNING_KEY is a ${key.asymmetricKeyType} key; an Ed25519 key is needed`,
      );
    }
    publicKeyPem = createPublicKey(key).export({ type: "spki", format: "pem" }).toString();
  } catch (error) {
    if (error instanceof ServiceConfigError) throw error;
    // Never echo the key material.
    throw new ServiceConfigError("LICENSE_SIGNING_KEY is not a private key in PEM form");
  }
  const whopApiUrl = (env.WHOP_API_URL?.trim() || "https://api.whop.com/api/v1").replace(/\/+$/, "");
  try {
    new URL(whopApiUrl);
  } catch {
    throw new ServiceConfigError(`WHOP_API_URL="${whopApiUrl}" is not a URL`);
  }
  return {
    port: env.PORT === undefined || env.PORT === "" ? 8787 : portNumber(env.PORT),
    whopApiKey: env.WHOP_API_KEY!.trim(),
    whopApiUrl,
    whopApiVersion: env.WHOP_API_VERSION?.trim() || "2026-07-20",
    whopProductId: env.WHOP_PRODUCT_ID!.trim(),
    signingKeyPem,
    publicKeyPem,
    tokenTtlSeconds: parseDuration(env.LICENSE_TOKEN_TTL || "7d", "LICENSE_TOKEN_TTL"),
    pastDueGraceSeconds: parseDuration(env.LICENSE_PAST_DUE_GRACE || "7d", "LICENSE_PAST_DUE_GRACE"),
    rateLimitPerIp: positiveInt(env, "RATE_LIMIT_PER_IP", 60),
    rateLimitPerKey: positiveInt(env, "RATE_LIMIT_PER_KEY", 20),
    trustProxy: env.TRUST_PROXY === "1" || env.TRUST_PROXY === "true",
    whopTimeoutMs: positiveInt(env, "WHOP_TIMEOUT_MS", 8000),
  };
}

function portNumber(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ServiceConfigError(`PORT="${raw}" is not a port number`);
  return n;
}
