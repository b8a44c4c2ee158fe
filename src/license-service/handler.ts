import { importPKCS8, SignJWT } from "jose";
import { TOKEN_AUDIENCE, TOKEN_ISSUER, TOKEN_TYPE } from "../license/constants.js";
import { licenseKeyHash, shortKeyHash } from "../license/hash.js";
import { VERSION } from "../version.js";
import type { ServiceConfig } from "./config.js";
import { jsonLogger, type Logger } from "./log.js";
import { RateLimiter } from "./rate-limit.js";
import { WhopClient, type WhopMembership, WhopNotFound, WhopUnavailable } from "./whop.js";

/**
 * The AuthorStack licence service as a standard fetch-style handler, `(Request) => Promise<Response>`,
 * so it runs under node:http (see node.ts) or any serverless platform. It holds the Whop API key; the
 * CLI only ever sees signed licence tokens.
 *
 *   POST /v1/licenses/validate   {license_key, machine_id, app_version} → 200 {token, license}
 *   POST /v1/licenses/deactivate {license_key, machine_id}              → 200 {released}
 *   GET  /healthz                                                       → 200 {ok: true}
 *   GET  /v1/public-key                                                 → the PEM that verifies tokens
 *
 * Errors are JSON {"error": {"code", "message"}}: 400 invalid_request, 404 license_not_found,
 * 402 license_inactive, 409 license_bound_elsewhere, 429 rate_limited, 502 whop_unavailable.
 */

/** Membership statuses that are a licence; past_due only within the grace window. */
const VALID_STATUSES = new Set(["active", "trialing", "completed", "canceling", "past_due"]);
/** Metadata keys this service owns on the Whop membership (Whop's own convention is `hwid`). */
const BINDING_KEY = "hwid";
const BOUND_AT_KEY = "authorstack_bound_at";
const MAX_BODY_BYTES = 8 * 1024;

export interface RequestInfo {
  /** The TCP peer address (the node adapter passes it; serverless platforms: X-Forwarded-For with TRUST_PROXY). */
  clientIp?: string;
}

export type LicenseHandler = (request: Request, info?: RequestInfo) => Promise<Response>;

export interface HandlerOptions {
  now?: () => Date;
  log?: Logger;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** For the log only (our own words, never Whop's body or a key). */
    readonly detail?: string,
  ) {
    super(message);
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(`${JSON.stringify(body)}\n`, {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

function errorResponse(error: HttpError): Response {
  return json(error.status, { error: { code: error.code, message: error.message } }, error.headers);
}

interface LicenseRequest {
  licenseKey: string;
  machineId: string;
  appVersion: string | null;
}

async function readLicenseRequest(request: Request, needVersion: boolean): Promise<LicenseRequest> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new HttpError(400, "invalid_request", "send a JSON body with Content-Type: application/json");
  }
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) throw new HttpError(400, "invalid_request", "request body too large");
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new HttpError(400, "invalid_request", "request body too large");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_request", "the request body is not valid JSON");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, "invalid_request", "the request body must be a JSON object");
  }
  const b = body as Record<string, unknown>;
  const key = typeof b.license_key === "string" ? b.license_key.trim() : "";
  if (!key || key.length > 200 || [...key].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    throw new HttpError(
      400,
      "invalid_request",
      "license_key must be a non-empty string of at most 200 characters",
    );
  }
  const machineId = typeof b.machine_id === "string" ? b.machine_id.trim() : "";
  if (!/^[A-Za-z0-9_-]{8,128}$/.test(machineId)) {
    throw new HttpError(400, "invalid_request", "machine_id must be 8 to 128 letters, digits, '-' or '_'");
  }
  let appVersion: string | null = null;
  if (b.app_version !== undefined && b.app_version !== null) {
    if (typeof b.app_version !== "string" || b.app_version.length > 64) {
      throw new HttpError(400, "invalid_request", "app_version must be a string of at most 64 characters");
    }
    appVersion = b.app_version;
  } else if (needVersion) {
    throw new HttpError(400, "invalid_request", "app_version is required");
  }
  return { licenseKey: key, machineId, appVersion };
}

export function createLicenseHandler(config: ServiceConfig, options: HandlerOptions = {}): LicenseHandler {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? jsonLogger((line) => process.stdout.write(line), [config.whopApiKey], now);
  const whop = new WhopClient({
    apiUrl: config.whopApiUrl,
    apiKey: config.whopApiKey,
    apiVersion: config.whopApiVersion,
    timeoutMs: config.whopTimeoutMs,
    userAgent: `authorstack-license-service/${VERSION}`,
  });
  const perIp = new RateLimiter(config.rateLimitPerIp);
  const perKey = new RateLimiter(config.rateLimitPerKey);
  const signingKey = importPKCS8(config.signingKeyPem, "EdDSA");
  /** Serialises bind/release per licence key inside this instance (two activations at once). */
  const locks = new Map<string, Promise<unknown>>();

  async function withKeyLock<T>(keyHash: string, work: () => Promise<T>): Promise<T> {
    const previous = locks.get(keyHash) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(work);
    locks.set(keyHash, run);
    try {
      return await run;
    } finally {
      if (locks.get(keyHash) === run) locks.delete(keyHash);
    }
  }

  function clientIp(request: Request, info?: RequestInfo): string {
    if (config.trustProxy) {
      const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
      if (forwarded) return forwarded;
    }
    return info?.clientIp ?? "unknown";
  }

  function limit(ip: string, keyHash: string | null): void {
    const t = now().getTime();
    const ipWait = perIp.hit(`ip:${ip}`, t);
    const keyWait = keyHash ? perKey.hit(`key:${keyHash}`, t) : 0;
    const wait = Math.max(ipWait, keyWait);
    if (wait > 0) {
      throw new HttpError(429, "rate_limited", `too many licence requests; try again in ${wait} seconds`, {
        "retry-after": String(wait),
      });
    }
  }

  async function lookUp(licenseKey: string): Promise<WhopMembership> {
    let membership: WhopMembership;
    try {
      membership = await whop.getMembership(licenseKey);
    } catch (error) {
      if (error instanceof WhopNotFound) throw new HttpError(404, "license_not_found", "unknown licence key");
      if (error instanceof WhopUnavailable) {
        throw new HttpError(
          502,
          "whop_unavailable",
          "the licence store (Whop) is not reachable; try again later",
          {},
          error.message,
        );
      }
      throw error;
    }
    if (membership.licenseKey !== licenseKey) {
      // Whop resolves a membership id (mem_…, shown in manage URLs) as well: only the key itself is a licence.
      throw new HttpError(404, "license_not_found", "unknown licence key");
    }
    if (membership.productId !== config.whopProductId) {
      // A key of another product sold by the same Whop company is not an AuthorStack licence.
      throw new HttpError(404, "license_not_found", "this key is not an AuthorStack Pro licence key");
    }
    return membership;
  }

  /** Whether the membership grants Pro now, and until when a token may run. */
  function judgeStatus(
    membership: WhopMembership,
  ): { ok: true; capAt: Date | null } | { ok: false; why: string } {
    const t = now().getTime();
    const end = membership.renewalPeriodEnd;
    if (!VALID_STATUSES.has(membership.status)) {
      return { ok: false, why: `the membership is ${membership.status}` };
    }
    if (membership.status === "past_due") {
      const from = end ?? membership.updatedAt;
      const graceEnd = from ? new Date(from.getTime() + config.pastDueGraceSeconds * 1000) : null;
      if (!graceEnd || graceEnd.getTime() <= t) {
        return { ok: false, why: "the membership is past_due beyond the payment grace period" };
      }
      return { ok: true, capAt: graceEnd };
    }
    if ((membership.status === "canceling" || membership.status === "trialing") && end && end.getTime() > t) {
      return { ok: true, capAt: end };
    }
    return { ok: true, capAt: null };
  }

  async function sign(membership: WhopMembership, keyHash: string, machineId: string, capAt: Date | null) {
    const iat = Math.floor(now().getTime() / 1000);
    let exp = iat + config.tokenTtlSeconds;
    if (capAt) exp = Math.min(exp, Math.floor(capAt.getTime() / 1000));
    if (exp <= iat) exp = iat + 60;
    const renewsAt = membership.renewalPeriodEnd
      ? Math.floor(membership.renewalPeriodEnd.getTime() / 1000)
      : null;
    const token = await new SignJWT({
      mid: machineId,
      status: membership.status,
      plan: "pro",
      plan_id: membership.planId,
      renews_at: renewsAt,
    })
      .setProtectedHeader({ alg: "EdDSA", typ: TOKEN_TYPE })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(keyHash)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(await signingKey);
    return {
      token,
      license: {
        plan: "pro",
        status: membership.status,
        plan_id: membership.planId,
        machine_id: machineId,
        issued_at: new Date(iat * 1000).toISOString(),
        expires_at: new Date(exp * 1000).toISOString(),
        renews_at: renewsAt === null ? null : new Date(renewsAt * 1000).toISOString(),
      },
    };
  }

  async function patchMetadata(
    membership: WhopMembership,
    metadata: Record<string, unknown>,
  ): Promise<WhopMembership> {
    try {
      return await whop.updateMetadata(membership.id, metadata);
    } catch (error) {
      if (error instanceof WhopUnavailable || error instanceof WhopNotFound) {
        throw new HttpError(
          502,
          "whop_unavailable",
          "the licence store (Whop) could not record the activation; try again later",
          {},
          error.message,
        );
      }
      throw error;
    }
  }

  /** Reads a licence request, notes its key (hashed) and machine for the log, and applies the rate limits. */
  async function readKeyedRequest(
    request: Request,
    ip: string,
    fields: Record<string, string | number | null>,
    onKey: (key: string) => void,
  ) {
    const body = await readLicenseRequest(request, false);
    onKey(body.licenseKey);
    const keyHash = licenseKeyHash(body.licenseKey);
    fields.key = shortKeyHash(body.licenseKey);
    fields.machine = body.machineId.slice(0, 8);
    limit(ip, keyHash);
    return { body, keyHash };
  }

  async function validate(
    request: Request,
    ip: string,
    fields: Record<string, string | number | null>,
    onKey: (key: string) => void,
  ) {
    const { body, keyHash } = await readKeyedRequest(request, ip, fields, onKey);
    fields.app_version = body.appVersion;
    return withKeyLock(keyHash, async () => {
      let membership = await lookUp(body.licenseKey);
      fields.membership_status = membership.status;
      const judgement = judgeStatus(membership);
      if (!judgement.ok) throw new HttpError(402, "license_inactive", judgement.why);
      const bound = membership.metadata[BINDING_KEY];
      if (typeof bound === "string" && bound !== "" && bound !== body.machineId) {
        throw new HttpError(
          409,
          "license_bound_elsewhere",
          "this licence key is bound to another machine; release it there with `authorstack license deactivate` or reset the key in your Whop account",
        );
      }
      if (bound !== body.machineId) {
        // Merge: PATCH replaces the whole metadata object, and other keys belong to someone else.
        const merged = {
          ...membership.metadata,
          [BINDING_KEY]: body.machineId,
          [BOUND_AT_KEY]: now().toISOString(),
        };
        membership = await patchMetadata(membership, merged);
        if (membership.metadata[BINDING_KEY] !== body.machineId) {
          throw new HttpError(
            409,
            "license_bound_elsewhere",
            "this licence key was just bound to another machine",
          );
        }
        fields.bound = "new";
      } else {
        fields.bound = "existing";
      }
      return json(200, await sign(membership, keyHash, body.machineId, judgement.capAt));
    });
  }

  async function deactivate(
    request: Request,
    ip: string,
    fields: Record<string, string | number | null>,
    onKey: (key: string) => void,
  ) {
    const { body, keyHash } = await readKeyedRequest(request, ip, fields, onKey);
    return withKeyLock(keyHash, async () => {
      const membership = await lookUp(body.licenseKey);
      const bound = membership.metadata[BINDING_KEY];
      if (typeof bound !== "string" || bound === "") {
        fields.released = "not_bound";
        return json(200, { released: false, message: "the licence key was not bound to any machine" });
      }
      if (bound !== body.machineId) {
        throw new HttpError(
          409,
          "license_bound_elsewhere",
          "this licence key is bound to another machine; only that machine (or a key reset in your Whop account) can release it",
        );
      }
      const { [BINDING_KEY]: _hwid, [BOUND_AT_KEY]: _at, ...rest } = membership.metadata;
      await patchMetadata(membership, rest);
      fields.released = "yes";
      return json(200, { released: true, message: "the licence key is no longer bound to this machine" });
    });
  }

  return async (request, info) => {
    const started = Date.now();
    const url = new URL(request.url);
    const ip = clientIp(request, info);
    const fields: Record<string, string | number | null> = { method: request.method, path: url.pathname, ip };
    let response: Response;
    let licenseKeyForRedaction: string | undefined;
    try {
      if (url.pathname === "/healthz") {
        if (request.method !== "GET" && request.method !== "HEAD")
          throw new HttpError(405, "method_not_allowed", "use GET");
        response = json(200, { ok: true, service: "authorstack-license-service", version: VERSION });
      } else if (url.pathname === "/v1/public-key") {
        if (request.method !== "GET") throw new HttpError(405, "method_not_allowed", "use GET");
        response = new Response(config.publicKeyPem, {
          headers: { "content-type": "application/x-pem-file" },
        });
      } else if (url.pathname === "/v1/licenses/validate" || url.pathname === "/v1/licenses/deactivate") {
        if (request.method !== "POST")
          throw new HttpError(405, "method_not_allowed", "use POST", { allow: "POST" });
        const onKey = (key: string) => {
          licenseKeyForRedaction = key;
        };
        response =
          url.pathname === "/v1/licenses/validate"
            ? await validate(request, ip, fields, onKey)
            : await deactivate(request, ip, fields, onKey);
      } else {
        throw new HttpError(404, "not_found", `no such endpoint: ${request.method} ${url.pathname}`);
      }
    } catch (error) {
      if (error instanceof HttpError) {
        response = errorResponse(error);
        fields.error = error.code;
        if (error.detail) fields.detail = error.detail;
      } else {
        log("error", "internal error", { ...fields, detail: (error as Error)?.message ?? String(error) }, [
          licenseKeyForRedaction ?? "",
        ]);
        response = errorResponse(
          new HttpError(500, "internal_error", "internal error in the licence service"),
        );
      }
    }
    fields.status = response.status;
    fields.ms = Date.now() - started;
    if (url.pathname !== "/healthz") {
      const level = response.status >= 500 ? "error" : response.status >= 400 ? "warn" : "info";
      log(level, "request", fields, [licenseKeyForRedaction ?? ""]);
    }
    return response;
  };
}
