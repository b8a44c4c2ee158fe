/**
 * The few Whop API v1 calls the licence service makes (see shared/reference/whop-resend.md A.4/A.5):
 *   GET   /memberships/{id or licence key}
 *   PATCH /memberships/{mem_id}  {"metadata": {...}}   (replaces metadata: always send the merged object)
 * Plain fetch instead of @whop/sdk: two calls, and full control over timeouts and what gets logged.
 * Error texts never include the API key, the licence key or Whop's bodies (which may echo the key).
 */

export interface WhopMembership {
  id: string;
  status: string;
  productId: string | null;
  planId: string | null;
  renewalPeriodEnd: Date | null;
  updatedAt: Date | null;
  /** The software licence key (null when the product has none). */
  licenseKey: string | null;
  metadata: Record<string, unknown>;
}

/** Whop answered 404: no such membership or licence key. */
export class WhopNotFound extends Error {}

/** Whop could not be used: down, slow, 5xx, 429, or our credentials were refused (401/403). */
export class WhopUnavailable extends Error {
  constructor(
    message: string,
    readonly upstreamStatus?: number,
  ) {
    super(message);
  }
}

export interface WhopClientOptions {
  apiUrl: string;
  apiKey: string;
  apiVersion: string;
  timeoutMs: number;
  userAgent: string;
}

export class WhopClient {
  constructor(private readonly options: WhopClientOptions) {}

  async getMembership(idOrLicenseKey: string): Promise<WhopMembership> {
    const body = await this.call("GET", `/memberships/${encodeURIComponent(idOrLicenseKey)}`);
    return parseMembership(body);
  }

  async updateMetadata(membershipId: string, metadata: Record<string, unknown>): Promise<WhopMembership> {
    const body = await this.call("PATCH", `/memberships/${encodeURIComponent(membershipId)}`, { metadata });
    return parseMembership(body);
  }

  private async call(method: string, path: string, json?: unknown): Promise<unknown> {
    // One retry on 429/5xx/connection errors when Whop asks for a short wait; no long sleeps in a request.
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${this.options.apiUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.options.apiKey}`,
            accept: "application/json",
            "api-version-date": this.options.apiVersion,
            "user-agent": this.options.userAgent,
            ...(json === undefined ? {} : { "content-type": "application/json" }),
          },
          body: json === undefined ? undefined : JSON.stringify(json),
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (error) {
        const e = error as Error & { cause?: { code?: string } };
        if (attempt === 0 && e.name !== "TimeoutError") continue;
        const why =
          e.name === "TimeoutError"
            ? `timeout after ${this.options.timeoutMs} ms`
            : (e.cause?.code ?? e.name);
        throw new WhopUnavailable(`Whop API unreachable (${why})`);
      }
      if (response.ok) {
        try {
          return await response.json();
        } catch {
          throw new WhopUnavailable("Whop API answered with something that is not JSON", response.status);
        }
      }
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 404) throw new WhopNotFound("not found");
      const retryable = response.status === 429 || response.status >= 500;
      const wait = retryWaitMs(response.headers);
      if (retryable && attempt === 0 && wait <= 2000) {
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        continue;
      }
      if (response.status === 401 || response.status === 403) {
        throw new WhopUnavailable(
          `Whop API refused the service's credentials (${response.status}); check WHOP_API_KEY and its permissions`,
          response.status,
        );
      }
      throw new WhopUnavailable(`Whop API failed with HTTP ${response.status}`, response.status);
    }
  }
}

function retryWaitMs(headers: Headers): number {
  const ms = Number(headers.get("retry-after-ms"));
  if (headers.get("retry-after-ms") !== null && Number.isFinite(ms)) return Math.max(0, ms);
  const raw = headers.get("retry-after");
  if (raw === null) return 500;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : 500;
}

function isoOrNull(value: unknown): Date | null {
  if (typeof value === "number") return new Date(value * 1000);
  if (typeof value !== "string" || value === "") return null;
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t) : null;
}

function idOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { id?: unknown }).id === "string") {
    return (value as { id: string }).id;
  }
  return null;
}

export function parseMembership(body: unknown): WhopMembership {
  if (!body || typeof body !== "object")
    throw new WhopUnavailable("Whop API sent a membership that is not an object");
  const m = body as Record<string, unknown>;
  if (typeof m.id !== "string" || typeof m.status !== "string") {
    throw new WhopUnavailable("Whop API sent a membership without id or status");
  }
  const metadata =
    m.metadata && typeof m.metadata === "object" && !Array.isArray(m.metadata) ? m.metadata : {};
  return {
    id: m.id,
    status: m.status,
    productId: idOf(m.product) ?? idOf(m.product_id) ?? idOf(m.access_pass),
    planId: idOf(m.plan) ?? idOf(m.plan_id),
    renewalPeriodEnd: isoOrNull(m.renewal_period_end ?? m.current_period_end),
    updatedAt: isoOrNull(m.updated_at),
    licenseKey: typeof m.license_key === "string" && m.license_key !== "" ? m.license_key : null,
    metadata: { ...(metadata as Record<string, unknown>) },
  };
}
