import type { Deps } from "../deps.js";
import { UsageError } from "../errors.js";
import { DEFAULT_LICENSE_URL } from "./constants.js";

/**
 * The CLI's side of the licence service protocol (see src/license-service/handler.ts). Only Pro
 * commands and `license activate|deactivate` get here; free commands never contact the service.
 */

/** The service answered and said no (unknown key, not valid, bound elsewhere, malformed). */
export class LicenseRefused extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The service could not be reached or failed (network, timeout, 5xx, 429). */
export class LicenseServiceUnavailable extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export interface ValidateAnswer {
  token: string;
}

export function licenseServiceUrl(deps: Deps): string {
  const raw =
    deps.env.AUTHORSTACK_LICENSE_URL?.trim() || deps.config()["license.url"]?.trim() || DEFAULT_LICENSE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`the licence service address "${raw}" is not a URL.`, {
      hint: "Fix AUTHORSTACK_LICENSE_URL or `authorstack config set license.url https://…`.",
    });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`the licence service address "${raw}" must start with https://.`);
  }
  return url.toString().replace(/\/+$/, "");
}

async function post(
  deps: Deps,
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const base = licenseServiceUrl(deps);
  const host = new URL(base).host;
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const why =
      e.name === "TimeoutError" || e.name === "AbortError"
        ? `no answer within ${Math.round(timeoutMs / 100) / 10} s`
        : (e.cause?.code ?? e.message);
    throw new LicenseServiceUnavailable(`the licence service at ${host} could not be reached (${why})`);
  }
  let parsed: Record<string, unknown> = {};
  try {
    parsed = (await response.json()) as Record<string, unknown>;
  } catch {
    // handled below
  }
  if (response.ok) {
    if (!parsed || typeof parsed !== "object") {
      throw new LicenseServiceUnavailable(`the licence service at ${host} sent an answer that is not JSON`);
    }
    return parsed;
  }
  const err = (parsed?.error ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof err.code === "string" ? err.code : `http_${response.status}`;
  const message = typeof err.message === "string" ? err.message : `HTTP ${response.status}`;
  if (response.status === 429 || response.status >= 500) {
    const retry = Number(response.headers.get("retry-after"));
    throw new LicenseServiceUnavailable(
      `the licence service at ${host} failed (${response.status}: ${message})`,
      Number.isFinite(retry) ? retry : undefined,
    );
  }
  throw new LicenseRefused(response.status, code, message);
}

export async function validateWithService(
  deps: Deps,
  request: { licenseKey: string; machineId: string; appVersion: string },
  timeoutMs: number,
): Promise<ValidateAnswer> {
  const answer = await post(
    deps,
    "/v1/licenses/validate",
    { license_key: request.licenseKey, machine_id: request.machineId, app_version: request.appVersion },
    timeoutMs,
  );
  if (typeof answer.token !== "string") {
    throw new LicenseServiceUnavailable("the licence service answered without a licence token");
  }
  return { token: answer.token };
}

export async function deactivateWithService(
  deps: Deps,
  request: { licenseKey: string; machineId: string },
  timeoutMs: number,
): Promise<{ released: boolean }> {
  const answer = await post(
    deps,
    "/v1/licenses/deactivate",
    { license_key: request.licenseKey, machine_id: request.machineId },
    timeoutMs,
  );
  return { released: answer.released !== false };
}
