import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AuthError, RemoteError } from "../../errors.js";
import { HttpClient } from "../../http/client.js";
import type { GumroadSettings } from "./api.js";

/**
 * Gumroad OAuth for a native app (RFC 8252): a one-shot loopback listener on 127.0.0.1 with a
 * random port and path /callback, PKCE S256, a random state compared in constant time, and a
 * timeout (the authorize server shows its errors as a page and never redirects them to us).
 */
export const SCOPES = "view_sales view_profile";

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function randomState(): string {
  return randomBytes(24).toString("base64url");
}

/** Constant-time comparison (of digests, so differing lengths leak nothing either). */
export function sameSecret(a: string, b: string): boolean {
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

export function authorizeUrl(
  authUrl: string,
  params: { clientId: string; redirectUri: string; state: string; challenge: string },
): string {
  const url = new URL(`${authUrl.replace(/\/+$/, "")}/oauth/authorize`);
  url.searchParams.set("client_id", params.clientId);
  url.searchParams.set("redirect_uri", params.redirectUri);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", SCOPES);
  url.searchParams.set("state", params.state);
  url.searchParams.set("code_challenge", params.challenge);
  url.searchParams.set("code_challenge_method", "S256");
  return url.toString();
}

export interface LoopbackListener {
  redirectUri: string;
  /** Resolves with the authorization code of the first callback whose state matches. */
  code: Promise<string>;
  close(): void;
}

export interface LoopbackOptions {
  state: string;
  timeoutMs: number;
  /** Told about refused callbacks (wrong state), which are ignored while the real one is awaited. */
  warn: (message: string) => void;
}

/**
 * Starts the loopback listener. Only GET /callback is served. A callback with a wrong or missing
 * state is refused (400 page) and ignored, so a forged request can neither log the user into
 * someone else's account nor end the wait; a callback with the right state and `error` ends the
 * flow; the first right callback with a code wins and the listener closes.
 */
export async function startLoopback(options: LoopbackOptions): Promise<LoopbackListener> {
  let settle: { resolve: (code: string) => void; reject: (error: Error) => void } | undefined;
  const code = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  code.catch(() => {}); // the caller awaits it; this only keeps an unawaited rejection quiet
  let done = false;
  let timer: NodeJS.Timeout | undefined;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET" || url.pathname !== "/callback") {
      page(res, 404, "Not found", "This address only receives the Gumroad login callback.");
      return;
    }
    if (done) {
      page(
        res,
        400,
        "Already done",
        "This login has already been completed or cancelled. You can close this tab.",
      );
      return;
    }
    const state = url.searchParams.get("state");
    if (state === null || !sameSecret(state, options.state)) {
      page(
        res,
        400,
        "Login refused",
        "This callback does not belong to the login started by AuthorStack (state mismatch). Nothing was changed.",
      );
      options.warn(
        state === null
          ? "refused a callback without a state parameter; still waiting for the real one"
          : "refused a callback with a wrong state parameter; still waiting for the real one",
      );
      return;
    }
    const error = url.searchParams.get("error");
    if (error) {
      finish();
      const description = url.searchParams.get("error_description") ?? "";
      page(res, 400, "Login cancelled", `Gumroad answered: ${error}. You can close this tab.`);
      settle?.reject(
        new AuthError(
          error === "access_denied"
            ? "the Gumroad login was denied in the browser."
            : `Gumroad refused the login: ${error}${description ? ` (${description})` : ""}.`,
          { hint: "Run `authorstack auth login gumroad` again and choose Authorize." },
        ),
      );
      return;
    }
    const received = url.searchParams.get("code");
    if (!received) {
      page(res, 400, "Login refused", "The callback carries no authorization code.");
      options.warn("refused a callback without a code; still waiting");
      return;
    }
    finish();
    page(
      res,
      200,
      "AuthorStack is connected",
      "AuthorStack received your Gumroad login. You can close this tab.",
    );
    settle?.resolve(received);
  });

  function finish(): void {
    done = true;
    if (timer) clearTimeout(timer);
    server.close();
    // Let the response go out, then drop keep-alive sockets so the process can exit.
    setTimeout(() => server.closeAllConnections(), 200).unref();
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  timer = setTimeout(() => {
    if (done) return;
    finish();
    settle?.reject(
      new AuthError(
        `timed out after ${options.timeoutMs / 1000} s waiting for the Gumroad login in the browser.`,
        {
          hint: "Run `authorstack auth login gumroad` again (--timeout N to wait longer), or use --with-token.",
        },
      ),
    );
  }, options.timeoutMs);
  timer.unref();

  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    code,
    close: () => {
      if (!done) finish();
      settle?.reject(new AuthError("login cancelled"));
    },
  };
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:system-ui,sans-serif;max-width:36em;margin:4em auto"><h1>${title}</h1><p>${text}</p></body></html>`;
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    connection: "close",
  });
  res.end(html);
}

export interface TokenResponse {
  accessToken: string;
  refreshToken: string | null;
  scope: string | null;
}

/** Exchanges the code at /oauth/token (form-encoded; same redirect_uri; PKCE verifier). */
export async function exchangeCode(
  settings: GumroadSettings,
  params: { code: string; redirectUri: string; verifier: string; clientId: string },
): Promise<TokenResponse> {
  const http = new HttpClient({ service: "Gumroad login", baseUrl: settings.authUrl, maxRetries: 0 });
  try {
    const response = await http.request({
      method: "POST",
      path: "/oauth/token",
      form: {
        grant_type: "authorization_code",
        code: params.code,
        redirect_uri: params.redirectUri,
        client_id: params.clientId,
        client_secret: settings.clientSecret ?? undefined,
        code_verifier: params.verifier,
      },
    });
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(response.text) as Record<string, unknown>;
    } catch {
      // handled below
    }
    if (response.status !== 200) {
      const error = typeof body.error === "string" ? body.error : `HTTP ${response.status}`;
      const description = typeof body.error_description === "string" ? ` (${body.error_description})` : "";
      const hint =
        error === "invalid_client"
          ? "Check GUMROAD_CLIENT_ID / gumroad.clientId (and GUMROAD_CLIENT_SECRET if your application is confidential)."
          : "Run `authorstack auth login gumroad` again.";
      if (response.status >= 500)
        throw new RemoteError(`Gumroad's token endpoint failed: ${error}.`, { hint });
      throw new AuthError(`Gumroad refused the login code: ${error}${description}.`, { hint });
    }
    if (typeof body.access_token !== "string" || !body.access_token) {
      throw new RemoteError("Gumroad's token endpoint answered without an access token.");
    }
    return {
      accessToken: body.access_token,
      refreshToken: typeof body.refresh_token === "string" ? body.refresh_token : null,
      scope: typeof body.scope === "string" ? body.scope : null,
    };
  } finally {
    await http.close();
  }
}
