import { Agent, type Dispatcher, request } from "undici";
import { RemoteError } from "../errors.js";
import { VERSION } from "../version.js";
import { RateLimiter, sleep } from "./rate-limit.js";

/**
 * The HTTP layer every remote service goes through (Gumroad, and any other API client):
 * - timeouts (connect, headers, body),
 * - retries with exponential backoff and full jitter on 408/429/5xx and connection errors, for
 *   idempotent requests only; `Retry-After` is honoured when the service sends it (Gumroad's 429 does not),
 * - a client-side request-rate cap shared by concurrent callers,
 * - `User-Agent: authorstack/<version>`,
 * - secrets only in headers, and never in an error message: errors name the service, the method and
 *   the path (no query string, no headers).
 */
export interface HttpClientOptions {
  /** Human name used in error messages ("Gumroad API"). */
  service: string;
  baseUrl: string;
  /** Client-side cap; 0 or Infinity = no cap. */
  requestsPerSecond?: number;
  /** Retries after the first attempt on connection errors and 5xx (default 4). */
  maxRetries?: number;
  /**
   * Retries on 429 (default 8): a rate limit is not an outage, so it is waited out longer; each 429
   * also pauses every request of this client for the backoff delay.
   */
  maxRateLimitRetries?: number;
  /** First backoff step (default 500 ms; doubled each retry, capped at maxDelayMs). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the request fails instead (default 120 s). */
  maxRetryAfterMs?: number;
  /** Per-request timeouts (default 10 s connect, 60 s for headers and for the body). */
  connectTimeoutMs?: number;
  timeoutMs?: number;
  /** What to tell the user when the service stays unreachable. */
  hint?: string;
}

export interface HttpRequest {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  /** Path relative to baseUrl ("/v2/sales"). */
  path: string;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  /** Sent in the Authorization header as a Bearer token; never anywhere else. */
  bearerToken?: string;
  /** application/x-www-form-urlencoded body. */
  form?: Record<string, string | undefined>;
  /** Retry on 429/5xx/connection errors. Default: true for GET, false otherwise. */
  retry?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as UTF-8 text, and as bytes (downloads such as a ZIP file). */
  text: string;
  body: Buffer;
  /** Attempts used (1 = no retry). */
  attempts: number;
}

export interface HttpStats {
  requests: number;
  retries: number;
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export class HttpClient {
  private readonly agent: Agent;
  private readonly limiter: RateLimiter;
  private readonly options: Required<Omit<HttpClientOptions, "hint">> & { hint?: string };
  readonly stats: HttpStats = { requests: 0, retries: 0 };

  constructor(options: HttpClientOptions) {
    this.options = {
      requestsPerSecond: 0,
      maxRetries: 4,
      maxRateLimitRetries: 8,
      baseDelayMs: 500,
      maxDelayMs: 10_000,
      maxRetryAfterMs: 120_000,
      connectTimeoutMs: 10_000,
      timeoutMs: 60_000,
      ...options,
      baseUrl: options.baseUrl.replace(/\/+$/, ""),
    };
    this.agent = new Agent({
      connect: { timeout: this.options.connectTimeoutMs },
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
      keepAliveTimeout: 4_000,
    });
    this.limiter = new RateLimiter(this.options.requestsPerSecond);
  }

  get service(): string {
    return this.options.service;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const method = req.method ?? "GET";
    const retry = req.retry ?? method === "GET";
    const url = this.buildUrl(req.path, req.query);
    const headers: Record<string, string> = {
      "user-agent": `authorstack/${VERSION}`,
      accept: "application/json",
      ...req.headers,
    };
    if (req.bearerToken !== undefined) headers.authorization = `Bearer ${req.bearerToken}`;
    let body: string | undefined;
    if (req.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(req.form)) if (v !== undefined) params.set(k, v);
      body = params.toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    const where = `${method} ${req.path}`;
    const maxAttempts = retry ? this.options.maxRetries + 1 : 1;
    const maxRateLimitAttempts = retry
      ? Math.max(this.options.maxRateLimitRetries, this.options.maxRetries) + 1
      : 1;
    let lastProblem = "";
    for (let attempt = 1; ; attempt++) {
      await this.limiter.take();
      this.stats.requests++;
      let response: Dispatcher.ResponseData;
      let text: string;
      let bytes: Buffer;
      try {
        response = await request(url, { method, headers, body, dispatcher: this.agent });
        bytes = Buffer.from(await response.body.arrayBuffer());
        text = bytes.toString("utf8");
      } catch (error) {
        lastProblem = describeNetworkError(error);
        if (attempt >= maxAttempts) {
          throw new RemoteError(
            `${this.options.service} could not be reached (${where}): ${lastProblem}${triesText(attempt)}.`,
            { hint: this.options.hint ?? "Check your internet connection and try again.", cause: error },
          );
        }
        this.stats.retries++;
        await sleep(this.backoff(attempt));
        continue;
      }
      if (retry && RETRY_STATUS.has(response.statusCode)) {
        lastProblem = `HTTP ${response.statusCode}${shortBody(text)}`;
        const retryAfter = parseRetryAfter(response.headers["retry-after"], Date.now());
        const limit = response.statusCode === 429 ? maxRateLimitAttempts : maxAttempts;
        if (attempt >= limit || (retryAfter !== null && retryAfter > this.options.maxRetryAfterMs)) {
          const waitText =
            retryAfter !== null && retryAfter > this.options.maxRetryAfterMs
              ? ` and asked to wait ${Math.ceil(retryAfter / 1000)} s`
              : "";
          throw new RemoteError(
            `${this.options.service} failed (${where}): ${lastProblem}${waitText}${triesText(attempt)}.`,
            { hint: this.options.hint ?? "The service may be down or rate-limiting; try again later." },
          );
        }
        this.stats.retries++;
        const delay = retryAfter ?? this.backoff(attempt);
        if (response.statusCode === 429) this.limiter.pause(delay);
        await sleep(delay);
        continue;
      }
      return {
        status: response.statusCode,
        headers: response.headers as HttpResponse["headers"],
        text,
        body: bytes,
        attempts: attempt,
      };
    }
  }

  /** Exponential backoff with full jitter in [delay/2, delay]. */
  private backoff(attempt: number): number {
    const delay = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (attempt - 1));
    return delay / 2 + Math.random() * (delay / 2);
  }

  private buildUrl(path: string, query?: Record<string, string | undefined>): string {
    const url = new URL(this.options.baseUrl + path);
    if (query) for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    return url.toString();
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function triesText(attempts: number): string {
  return attempts > 1 ? ` (after ${attempts} tries)` : "";
}

/** A short, safe excerpt of a non-JSON error body ("Retry later"); never echoes long bodies. */
function shortBody(text: string): string {
  const trimmed = text.trim();
  if (!trimmed || trimmed.length > 80 || trimmed.startsWith("<") || trimmed.startsWith("{")) return "";
  return ` "${trimmed}"`;
}

/** Retry-After as delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  if (/^\s*\d+\s*$/.test(text)) return Number.parseInt(text, 10) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}

function describeNetworkError(error: unknown): string {
  const err = error as { code?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host name not found";
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return "the connection was dropped";
    case "UND_ERR_CONNECT_TIMEOUT":
      return "timed out connecting";
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return "timed out waiting for the answer";
    default:
      return code ? `network error ${code}` : "network error";
  }
}
