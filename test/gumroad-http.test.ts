/**
 * The shared HTTP layer (src/http/) against a scripted loopback server: retries, Retry-After,
 * non-idempotent requests, User-Agent, secrets kept out of URLs and error messages.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RemoteError } from "../src/errors.js";
import { HttpClient, parseRetryAfter } from "../src/http/client.js";
import { RateLimiter } from "../src/http/rate-limit.js";
import { GumroadApi, gumroadSettings } from "../src/sources/gumroad/api.js";
import { VERSION } from "../src/version.js";

type Step = (req: IncomingMessage, res: ServerResponse) => void;

interface Scripted {
  url: string;
  seen: { url: string; headers: IncomingMessage["headers"] }[];
  close(): Promise<void>;
}

async function scripted(steps: Step[], fallback: Step = (_q, r) => r.end("{}")): Promise<Scripted> {
  const seen: Scripted["seen"] = [];
  let i = 0;
  const server: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? "", headers: req.headers });
    const step = steps[i++] ?? fallback;
    step(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const retryLater: Step = (_req, res) => {
  res.writeHead(429, { "content-type": "text/plain" });
  res.end("Retry later\n");
};
const drop: Step = (req) => req.socket.destroy();
const ok: Step = (_req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end('{"success":true}');
};

describe("HttpClient", () => {
  let server: Scripted | undefined;
  let client: HttpClient | undefined;

  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  it("retries 429 (plain text, no Retry-After), 5xx and dropped connections, then succeeds", async () => {
    server = await scripted([retryLater, drop, (_q, r) => r.writeHead(503).end(), ok]);
    client = new HttpClient({ service: "Test API", baseUrl: server.url, baseDelayMs: 1 });
    const response = await client.request({ path: "/v2/sales", bearerToken: "tok_test_secret" });
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(4);
    expect(client.stats).toEqual({ requests: 4, retries: 3 });
  });

  it("sends the User-Agent, and the token only in the Authorization header", async () => {
    server = await scripted([ok]);
    client = new HttpClient({ service: "Test API", baseUrl: server.url });
    await client.request({
      path: "/v2/user",
      query: { after: "2025-01-01", none: undefined },
      bearerToken: "tok_test_secret",
    });
    expect(server.seen[0]!.headers["user-agent"]).toBe(`authorstack/${VERSION}`);
    expect(server.seen[0]!.headers.authorization).toBe("Bearer tok_test_secret");
    expect(server.seen[0]!.url).toBe("/v2/user?after=2025-01-01");
  });

  it("gives up after the retries with a RemoteError that names the service and path, never the token or query", async () => {
    server = await scripted([], retryLater);
    client = new HttpClient({
      service: "Test API",
      baseUrl: server.url,
      baseDelayMs: 1,
      maxRetries: 2,
      maxRateLimitRetries: 2,
    });
    const error = await client
      .request({ path: "/v2/sales", query: { page_key: "secret-ish" }, bearerToken: "tok_test_secret" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as Error).message).toBe(
      'Test API failed (GET /v2/sales): HTTP 429 "Retry later" (after 3 tries).',
    );
    expect(server.seen).toHaveLength(3);
  });

  it("honours Retry-After; one longer than the limit fails at once", async () => {
    server = await scripted([
      (_q, r) => r.writeHead(503, { "retry-after": "0" }).end(),
      ok,
      (_q, r) => r.writeHead(429, { "retry-after": "3600" }).end(),
    ]);
    client = new HttpClient({
      service: "Test API",
      baseUrl: server.url,
      baseDelayMs: 60_000,
      maxRetryAfterMs: 10_000,
    });
    // baseDelayMs is huge: only the Retry-After of 0 s lets this finish within the test timeout
    expect((await client.request({ path: "/a" })).status).toBe(200);
    await expect(client.request({ path: "/b" })).rejects.toThrow(/HTTP 429 and asked to wait 3600 s/);
    expect(server.seen).toHaveLength(3);
  });

  it("does not retry a POST, and returns non-retryable statuses to the caller", async () => {
    server = await scripted([(_q, r) => r.writeHead(503).end(), (_q, r) => r.writeHead(401).end()]);
    client = new HttpClient({ service: "Test API", baseUrl: server.url, baseDelayMs: 1 });
    const post = await client.request({
      method: "POST",
      path: "/oauth/token",
      form: { code: "c", skip: undefined },
    });
    expect(post.status).toBe(503);
    expect((await client.request({ path: "/v2/user" })).status).toBe(401);
    expect(server.seen).toHaveLength(2);
  });

  it("a slow answer times out and is retried; a slow answer every time fails with a RemoteError", async () => {
    const slow: Step = (_q, r) => {
      setTimeout(() => r.writeHead(200).end("{}"), 3000).unref();
    };
    server = await scripted([slow, ok, slow, slow]);
    client = new HttpClient({
      service: "Test API",
      baseUrl: server.url,
      baseDelayMs: 1,
      maxRetries: 1,
      timeoutMs: 100,
    });
    expect((await client.request({ path: "/a" })).status).toBe(200);
    await expect(client.request({ path: "/b" })).rejects.toThrow(
      "Test API could not be reached (GET /b): timed out waiting for the answer (after 2 tries).",
    );
  });

  it("a refused connection becomes a RemoteError after the retries", async () => {
    server = await scripted([]);
    const url = server.url;
    await server.close();
    server = undefined;
    client = new HttpClient({ service: "Test API", baseUrl: url, baseDelayMs: 1, maxRetries: 1 });
    await expect(client.request({ path: "/v2/user", bearerToken: "tok_test_secret" })).rejects.toThrow(
      "Test API could not be reached (GET /v2/user): connection refused (after 2 tries).",
    );
  });
});

describe("GumroadApi status handling", () => {
  let server: Scripted | undefined;
  let api: GumroadApi | undefined;

  afterEach(async () => {
    await api?.close();
    await server?.close();
    api = undefined;
    server = undefined;
  });

  function json(status: number, body: unknown): Step {
    return (_q, r) => r.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  }

  it("checks `success` on a 200, reads `error` on a 400, maps 401/403 to AuthError", async () => {
    server = await scripted([
      json(200, { success: false, message: "The sale was not found" }),
      json(400, { status: 400, error: "Invalid page_key." }),
      (_q, r) =>
        r
          .writeHead(401, {
            "www-authenticate":
              'Bearer error="invalid_token", error_description="The access token was revoked"',
          })
          .end(),
      (_q, r) => r.writeHead(403).end(),
      (_q, r) => r.writeHead(200, { "content-type": "text/html" }).end("<html></html>"),
      json(200, { success: true, sales: [] }),
    ]);
    api = new GumroadApi(
      gumroadSettings(
        { AUTHORSTACK_GUMROAD_API_URL: server.url, AUTHORSTACK_HTTP_RETRY_BASE_MS: "1" },
        { "gumroad.requestsPerSecond": "1000" },
      ),
      "tok_test_secret",
    );
    await expect(api.salesPage({})).rejects.toThrow("Gumroad API refused /v2/sales: The sale was not found.");
    await expect(api.salesPage({ pageKey: "x" })).rejects.toThrow(
      "Gumroad API rejected /v2/sales (HTTP 400): Invalid page_key.",
    );
    const revoked = await api.salesPage({}).catch((e: unknown) => e);
    expect(revoked).toMatchObject({ exitCode: 4, message: expect.stringContaining("token revoked") });
    await expect(api.salesPage({})).rejects.toMatchObject({
      exitCode: 4,
      message: expect.stringContaining("scope"),
    });
    await expect(api.salesPage({})).rejects.toThrow("not JSON");
    expect(await api.salesPage({ after: "2025-01-01" })).toEqual({ sales: [], nextPageKey: null });
    expect(server.seen.at(-1)!.url).toBe("/v2/sales?after=2025-01-01");
  });

  it("reads its settings: env over config over defaults; a bad rate cap is a usage error", () => {
    expect(gumroadSettings({}, {})).toMatchObject({
      apiUrl: "https://api.gumroad.com",
      authUrl: "https://gumroad.com",
      requestsPerSecond: 2,
      clientId: null,
      retryBaseMs: 500,
    });
    expect(
      gumroadSettings(
        { GUMROAD_CLIENT_ID: "env-id" },
        { "gumroad.clientId": "cfg-id", "gumroad.requestsPerSecond": "0.5" },
      ),
    ).toMatchObject({ clientId: "env-id", requestsPerSecond: 0.5 });
    expect(() => gumroadSettings({}, { "gumroad.requestsPerSecond": "fast" })).toThrow(
      /gumroad.requestsPerSecond/,
    );
  });
});

describe("parseRetryAfter and RateLimiter", () => {
  it("reads delay-seconds and HTTP dates", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter("soon", now)).toBeNull();
  });

  it("reserves evenly spaced slots for concurrent callers", () => {
    let clock = 1_000_000;
    const limiter = new RateLimiter(2, () => clock);
    expect([limiter.reserve(), limiter.reserve(), limiter.reserve()]).toEqual([0, 500, 1000]);
    clock += 400;
    expect(limiter.reserve()).toBe(1100);
    clock += 10_000;
    expect(limiter.reserve()).toBe(0);
    expect(new RateLimiter(0, () => clock).reserve()).toBe(0);
    limiter.pause(3000);
    expect(limiter.reserve()).toBe(3000);
  });
});
