import { AuthError, RemoteError, UsageError } from "../../errors.js";
import { HttpClient, type HttpResponse } from "../../http/client.js";
import type { GumroadSale } from "./mapping.js";

export const DEFAULT_API_URL = "https://api.gumroad.com";
export const DEFAULT_AUTH_URL = "https://gumroad.com";
export const DEFAULT_REQUESTS_PER_SECOND = 2;
export const LOGIN_COMMAND = "authorstack auth login gumroad";

export interface GumroadSettings {
  apiUrl: string;
  authUrl: string;
  requestsPerSecond: number;
  clientId: string | null;
  clientSecret: string | null;
  /** Retry base delay; AUTHORSTACK_HTTP_RETRY_BASE_MS (tests) or 500 ms. */
  retryBaseMs: number;
}

/** flag > environment > config file > default, for everything Gumroad. */
export function gumroadSettings(env: NodeJS.ProcessEnv, config: Record<string, string>): GumroadSettings {
  const rpsText = config["gumroad.requestsPerSecond"];
  let requestsPerSecond = DEFAULT_REQUESTS_PER_SECOND;
  if (rpsText !== undefined) {
    const n = Number(rpsText);
    if (!Number.isFinite(n) || n <= 0) {
      throw new UsageError(`config gumroad.requestsPerSecond must be a positive number, not "${rpsText}".`, {
        hint: "Fix it with `authorstack config set gumroad.requestsPerSecond 2`.",
      });
    }
    requestsPerSecond = n;
  }
  const retryBase = Number(env.AUTHORSTACK_HTTP_RETRY_BASE_MS);
  return {
    apiUrl: env.AUTHORSTACK_GUMROAD_API_URL || DEFAULT_API_URL,
    authUrl: env.AUTHORSTACK_GUMROAD_AUTH_URL || DEFAULT_AUTH_URL,
    requestsPerSecond,
    clientId: env.GUMROAD_CLIENT_ID || config["gumroad.clientId"] || null,
    clientSecret: env.GUMROAD_CLIENT_SECRET || null,
    retryBaseMs:
      Number.isFinite(retryBase) && retryBase >= 0 && env.AUTHORSTACK_HTTP_RETRY_BASE_MS ? retryBase : 500,
  };
}

export interface GumroadUser {
  id?: string;
  name?: string;
  email?: string;
  display_name?: string;
  url?: string;
}

export interface SalesQuery {
  after?: string;
  before?: string;
  pageKey?: string;
}

export interface SalesPage {
  sales: GumroadSale[];
  nextPageKey: string | null;
}

/**
 * Gumroad API v2 over the shared HTTP layer. The token only ever travels in the Authorization
 * header. Status handling follows the reference: non-2xx is mapped by status; a 2xx must say
 * `success: true`; 401/403 have empty bodies; 400 carries `{status, error}`.
 */
export class GumroadApi {
  readonly http: HttpClient;

  constructor(
    settings: GumroadSettings,
    private readonly token: string,
  ) {
    this.http = new HttpClient({
      service: "Gumroad API",
      baseUrl: settings.apiUrl,
      requestsPerSecond: settings.requestsPerSecond,
      baseDelayMs: settings.retryBaseMs,
      hint: "Check your internet connection, then run `authorstack sync gumroad` again: it resumes where it stopped.",
    });
  }

  async user(): Promise<GumroadUser> {
    const body = await this.get("/v2/user", {});
    const user = body.user;
    if (!user || typeof user !== "object")
      throw new RemoteError("Gumroad API: /v2/user answered without a user.");
    return user as GumroadUser;
  }

  /** One page of /v2/sales; the filters are repeated with every page_key (the cursor does not hold them). */
  async salesPage(query: SalesQuery): Promise<SalesPage> {
    const body = await this.get("/v2/sales", {
      after: query.after,
      before: query.before,
      page_key: query.pageKey,
    });
    if (!Array.isArray(body.sales))
      throw new RemoteError("Gumroad API: /v2/sales answered without a sales list.");
    const next = body.next_page_key;
    return {
      sales: body.sales as GumroadSale[],
      nextPageKey: typeof next === "string" && next ? next : null,
    };
  }

  private async get(
    path: string,
    query: Record<string, string | undefined>,
  ): Promise<Record<string, unknown>> {
    const response = await this.http.request({ path, query, bearerToken: this.token });
    return checkResponse(response, path);
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

function checkResponse(response: HttpResponse, path: string): Record<string, unknown> {
  const { status } = response;
  if (status === 401) {
    const revoked = /revoked/i.test(String(response.headers["www-authenticate"] ?? ""));
    throw new AuthError(
      `Gumroad refused the access token (HTTP 401${revoked ? ", token revoked" : ", token invalid or revoked"}).`,
      { hint: `Connect again with \`${LOGIN_COMMAND}\` (or fix GUMROAD_ACCESS_TOKEN if you set it).` },
    );
  }
  if (status === 403) {
    throw new AuthError(`Gumroad refused ${path}: the token lacks the needed scope (view_sales).`, {
      hint: `Connect again with \`${LOGIN_COMMAND}\`, which asks for the view_sales scope.`,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    body = null;
  }
  if (status === 400) {
    const message = body && typeof body === "object" ? String((body as { error?: unknown }).error ?? "") : "";
    throw new RemoteError(`Gumroad API rejected ${path} (HTTP 400)${message ? `: ${message}` : ""}.`);
  }
  if (status < 200 || status >= 300) {
    throw new RemoteError(`Gumroad API failed (${path}): HTTP ${status}.`, {
      hint: "Try again later; `authorstack sync gumroad` resumes where it stopped.",
    });
  }
  if (!body || typeof body !== "object") {
    throw new RemoteError(`Gumroad API answered ${path} with something that is not JSON.`);
  }
  const record = body as Record<string, unknown>;
  if (record.success !== true) {
    const message = typeof record.message === "string" ? record.message : "no message";
    throw new RemoteError(`Gumroad API refused ${path}: ${message}.`);
  }
  return record;
}
