/**
 * A loopback fake of Resend's `POST /emails`, built from the documented behaviour
 * (shared/reference/whop-resend.md part B): Bearer auth (401 missing_api_key, 403 invalid_api_key),
 * User-Agent required, 422 validation errors shaped {statusCode, message, name}, Idempotency-Key replay
 * (same key + same payload → same response; different payload → 409 invalid_idempotent_request; key in
 * flight → 409 concurrent_idempotent_requests; bad length → 400 invalid_idempotency_key), ratelimit-*
 * headers on every response, and switchable failures (429 rate_limit_exceeded with retry-after,
 * 429 daily_quota_exceeded, 500 with a non-JSON body, connection reset, held responses).
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown> | null;
  rawBody: string;
  /** The status the fake answered with (0 when the connection was reset). */
  status: number;
}

export type FailureMode =
  | { kind: "rate_limit"; retryAfter?: number }
  | { kind: "daily_quota" }
  | { kind: "monthly_quota" }
  | { kind: "server_error_html" }
  | { kind: "reset" }
  /** Answer 403 validation_error, as Resend does for an unverified sender domain. */
  | { kind: "unverified_domain" };

export interface FakeResend {
  url: string;
  requests: RecordedRequest[];
  /** Emails accepted (each sent once; replays are not counted). */
  sent: Array<{ id: string; body: Record<string, unknown>; idempotencyKey: string | null }>;
  /** Failures to apply to the next requests, in order (one per request). */
  failNext(...modes: FailureMode[]): void;
  /** Holds every POST /emails response until release() is called; resolves `held` when one arrives. */
  hold(): { arrived: Promise<void>; release: () => void };
  /** Forgets requests, sent emails, idempotency keys and pending failures (between tests). */
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_RESEND_KEY = "re_test_fake_key_123456";

const RATE_LIMIT = 2;

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "ratelimit-limit": String(RATE_LIMIT),
    "ratelimit-policy": `${RATE_LIMIT};w=1`,
    "ratelimit-remaining": status === 429 ? "0" : String(RATE_LIMIT - 1),
    "ratelimit-reset": "1",
    ...extraHeaders,
  });
  res.end(text);
}

function error(
  res: ServerResponse,
  status: number,
  name: string,
  message: string,
  headers?: Record<string, string>,
) {
  // Resend's key order: statusCode, message, name.
  send(res, status, { statusCode: status, message, name }, headers);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startFakeResend(options: { keys?: string[] } = {}): Promise<FakeResend> {
  const keys = new Set(options.keys ?? [FAKE_RESEND_KEY]);
  const requests: RecordedRequest[] = [];
  const sent: FakeResend["sent"] = [];
  const failures: FailureMode[] = [];
  const idempotency = new Map<string, { hash: string; status: number; body: unknown; done: boolean }>();
  let holding: { waiters: Array<() => void>; arrived: () => void } | null = null;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawBody = await readBody(req);
    let body: Record<string, unknown> | null = null;
    try {
      body = rawBody ? (JSON.parse(rawBody) as Record<string, unknown>) : null;
    } catch {
      body = null;
    }
    const record: RecordedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers: { ...req.headers },
      body,
      rawBody,
      status: 0,
    };
    requests.push(record);
    const reply = (status: number, payload: unknown, headers?: Record<string, string>) => {
      record.status = status;
      send(res, status, payload, headers);
    };
    const fail = (status: number, name: string, message: string, headers?: Record<string, string>) => {
      record.status = status;
      error(res, status, name, message, headers);
    };

    if (req.url !== "/emails") return fail(404, "not_found", "The requested endpoint does not exist.");
    if (req.method !== "POST") return fail(405, "method_not_allowed", "Method not allowed");

    if (!req.headers["user-agent"]) {
      // Cloudflare answers before the API does.
      record.status = 403;
      res.writeHead(403, { "content-type": "text/plain" });
      res.end("error code: 1010");
      return;
    }
    const auth = req.headers.authorization;
    if (!auth?.startsWith("Bearer ") || auth.length <= "Bearer ".length) {
      return fail(401, "missing_api_key", "Missing API key in the authorization header.");
    }
    if (!keys.has(auth.slice("Bearer ".length))) return fail(403, "invalid_api_key", "API key is invalid.");

    const mode = failures.shift();
    if (mode) {
      switch (mode.kind) {
        case "rate_limit":
          return fail(
            429,
            "rate_limit_exceeded",
            "Too many requests. You can only make 2 requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.",
            { "retry-after": String(mode.retryAfter ?? 1) },
          );
        case "daily_quota":
          return fail(
            429,
            "daily_quota_exceeded",
            "You have reached your daily email sending quota. Please upgrade your plan or wait 24 hours.",
          );
        case "monthly_quota":
          return fail(429, "monthly_quota_exceeded", "You have reached your monthly email sending quota.");
        case "server_error_html":
          record.status = 500;
          res.writeHead(500, { "content-type": "text/html" });
          res.end("<html><body>502 Bad Gateway</body></html>");
          return;
        case "reset":
          record.status = 0;
          req.socket.destroy();
          return;
        case "unverified_domain": {
          const from = typeof body?.from === "string" ? body.from : "";
          const domain = from.replace(/^.*@/, "").replace(/>$/, "");
          return fail(
            403,
            "validation_error",
            `The ${domain} domain is not verified. Please, add and verify your domain on https://resend.com/domains`,
          );
        }
      }
    }

    if (!body) return fail(422, "validation_error", "Invalid JSON body.");

    const key = req.headers["idempotency-key"];
    const idempotencyKey = typeof key === "string" ? key : null;
    if (idempotencyKey !== null && (idempotencyKey.length === 0 || idempotencyKey.length > 256)) {
      return fail(400, "invalid_idempotency_key", "The key must be between 1-256 chars.");
    }
    const hash = createHash("sha256").update(rawBody).digest("hex");
    if (idempotencyKey !== null) {
      const previous = idempotency.get(idempotencyKey);
      if (previous) {
        if (previous.hash !== hash) {
          return fail(
            409,
            "invalid_idempotent_request",
            "Same idempotency key used with a different request payload. Change your idempotency key or payload.",
          );
        }
        if (!previous.done) {
          return fail(
            409,
            "concurrent_idempotent_requests",
            "Same idempotency key used while original request is still in progress. Try the request again later.",
          );
        }
        return reply(previous.status, previous.body);
      }
    }

    for (const field of ["from", "to", "subject"]) {
      if (body[field] === undefined || body[field] === null || body[field] === "") {
        return fail(422, "missing_required_field", `Missing \`${field}\` field.`);
      }
    }
    if (body.html === undefined && body.text === undefined && body.template === undefined) {
      return fail(422, "missing_required_field", "Missing `html` or `text` field.");
    }
    const to = Array.isArray(body.to) ? body.to : [body.to];
    if (to.length > 50) return fail(422, "validation_error", "Too many recipients. Maximum is 50.");
    const address = /^(?:[^<>]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/;
    if (typeof body.from !== "string" || !address.test(body.from)) {
      return fail(
        422,
        "validation_error",
        "Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.",
      );
    }
    for (const t of to) {
      if (typeof t !== "string" || !address.test(t)) {
        return fail(
          422,
          "validation_error",
          "Invalid `to` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.",
        );
      }
    }

    const entry = { hash, status: 200, body: { id: randomUUID() } as unknown, done: false };
    if (idempotencyKey !== null) idempotency.set(idempotencyKey, entry);
    if (holding) {
      const h = holding;
      await new Promise<void>((resolve) => {
        h.waiters.push(resolve);
        h.arrived();
      });
    }
    entry.done = true;
    sent.push({ id: (entry.body as { id: string }).id, body, idempotencyKey });
    reply(200, entry.body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sent,
    failNext: (...modes) => failures.push(...modes),
    hold: () => {
      let arrived!: () => void;
      const arrivedPromise = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      const h = { waiters: [] as Array<() => void>, arrived };
      holding = h;
      return {
        arrived: arrivedPromise,
        release: () => {
          holding = null;
          for (const w of h.waiters) w();
        },
      };
    },
    reset: () => {
      requests.length = 0;
      sent.length = 0;
      failures.length = 0;
      idempotency.clear();
      holding = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
