/**
 * A loopback fake of Whop's Current API v1 (`/api/v1`), built from the documented behaviour
 * (shared/reference/whop-resend.md part A.4–A.6):
 *   GET   /api/v1/memberships/{mem_id or licence key}   → 200 membership object (ISO timestamps) or 404
 *   PATCH /api/v1/memberships/{mem_id}  {"metadata":{}}  → replaces metadata, bumps updated_at, 200
 *   GET   /api/v1/users/{user}/access/{resource}         → {has_access, access_level}
 * Bearer auth (401 {"error":{"code":"unauthorized",…}}), error bodies {"error":{"code","message"}},
 * metadata limits (422: 50 keys, 100-char keys, 500-char string values), the per-operation rate limit
 * (429 {"error":{"type":"rate_limit_exceeded",…}} with retry-after), and switchable failures
 * (429, 500, slow answers, connection reset). Requests are recorded with their headers
 * (Api-Version-Date, User-Agent) for assertions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const FAKE_WHOP_KEY = "whop_test_fake_api_key_0001";
export const FAKE_PRODUCT_ID = "prod_authorstackpro01";
export const OTHER_PRODUCT_ID = "prod_someothercourse9";

export interface FakeMembership {
  id: string;
  status: string;
  created_at: string;
  updated_at: string;
  joined_at: string | null;
  manage_url: string | null;
  member: { id: string } | null;
  user: { id: string; username: string; name: string | null; email: string | null } | null;
  renewal_period_start: string | null;
  renewal_period_end: string | null;
  cancel_at_period_end: boolean;
  cancel_option: null;
  cancellation_reason: null;
  canceled_at: string | null;
  currency: string | null;
  company: { id: string; title: string };
  plan: { id: string; metadata: null };
  product: { id: string; title: string; metadata: null };
  promo_code: null;
  license_key: string | null;
  metadata: Record<string, unknown> | null;
  payment_collection_paused: boolean;
  checkout_configuration_id: null;
  custom_field_responses: unknown[];
}

export interface WhopRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status: number;
}

export type WhopFailure =
  | { kind: "rate_limit"; retryAfter?: number }
  | { kind: "server_error" }
  | { kind: "slow"; ms: number }
  | { kind: "reset" };

export interface FakeWhop {
  /** Base URL to use as WHOP_API_URL (ends in /api/v1). */
  apiUrl: string;
  memberships: FakeMembership[];
  requests: WhopRequest[];
  add(membership: Partial<FakeMembership> & { license_key: string | null }): FakeMembership;
  find(idOrKey: string): FakeMembership | undefined;
  /** Failures for the next requests, in order (one per request). */
  failNext(...failures: WhopFailure[]): void;
  /** Every request fails this way until cleared (`down(null)`). */
  down(failure: WhopFailure | null): void;
  close(): Promise<void>;
}

let counter = 0;

export function makeMembership(
  fields: Partial<FakeMembership> & { license_key: string | null },
  now = new Date(),
): FakeMembership {
  counter += 1;
  const n = String(counter).padStart(4, "0");
  const iso = (ms: number) => new Date(now.getTime() + ms).toISOString();
  return {
    id: `mem_fake${n}xxxxxxxx`,
    status: "active",
    created_at: iso(-30 * 86400_000),
    updated_at: iso(-30 * 86400_000),
    joined_at: iso(-30 * 86400_000),
    manage_url: `https://whop.com/billing/manage/mem_fake${n}`,
    member: { id: `mber_fake${n}` },
    user: { id: `user_fake${n}`, username: `reader${n}`, name: null, email: null },
    renewal_period_start: iso(-5 * 86400_000),
    renewal_period_end: iso(25 * 86400_000),
    cancel_at_period_end: false,
    cancel_option: null,
    cancellation_reason: null,
    canceled_at: null,
    currency: "usd",
    company: { id: "biz_fakeauthorstack", title: "AuthorStack" },
    plan: { id: "plan_fakepromonthly", metadata: null },
    product: { id: FAKE_PRODUCT_ID, title: "AuthorStack Pro", metadata: null },
    promo_code: null,
    metadata: {},
    payment_collection_paused: false,
    checkout_configuration_id: null,
    custom_field_responses: [],
    ...fields,
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

/** Whop's 429: its error body and a Retry-After in seconds. */
function sendRateLimited(res: ServerResponse, wait: number): void {
  send(
    res,
    429,
    {
      error: {
        type: "rate_limit_exceeded",
        code: "rate_limit_exceeded",
        message: `Try again in ${wait} seconds.`,
      },
    },
    { "retry-after": String(wait) },
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const RATE_LIMIT_PER_MINUTE = 600;

export async function startFakeWhop(options: { keys?: string[] } = {}): Promise<FakeWhop> {
  const keys = new Set(options.keys ?? [FAKE_WHOP_KEY]);
  const memberships: FakeMembership[] = [];
  const requests: WhopRequest[] = [];
  const queued: WhopFailure[] = [];
  let persistent: WhopFailure | null = null;
  const windows = new Map<string, { start: number; count: number }>();

  const find = (idOrKey: string) => memberships.find((m) => m.id === idOrKey || m.license_key === idOrKey);

  const server: Server = createServer(async (req, res) => {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let body: unknown = null;
    const record = (status: number) =>
      requests.push({ method: req.method ?? "", path: url.pathname, headers: req.headers, body, status });

    const failure = queued.shift() ?? persistent;
    if (failure) {
      if (failure.kind === "reset") {
        record(0);
        req.socket.destroy();
        return;
      }
      if (failure.kind === "slow") {
        await new Promise((r) => setTimeout(r, failure.ms));
        if (res.destroyed || req.socket.destroyed) return;
      } else if (failure.kind === "rate_limit") {
        const wait = failure.retryAfter ?? 0;
        record(429);
        sendRateLimited(res, wait);
        return;
      } else if (failure.kind === "server_error") {
        record(500);
        send(res, 500, { error: { code: "internal_server_error", message: "Something went wrong" } });
        return;
      }
    }

    const auth = req.headers.authorization ?? "";
    const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
    if (!keys.has(token)) {
      record(401);
      send(res, 401, { error: { code: "unauthorized", message: "Invalid or missing API key" } });
      return;
    }

    const operation = `${req.method} ${url.pathname.replace(/\/[^/]+$/, "/:id")}`;
    const now = Date.now();
    const windowId = `${token}:${operation}`;
    let window = windows.get(windowId);
    if (!window || now - window.start >= 60_000) {
      window = { start: now, count: 0 };
      windows.set(windowId, window);
    }
    window.count += 1;
    if (window.count > RATE_LIMIT_PER_MINUTE) {
      const wait = Math.ceil((window.start + 60_000 - now) / 1000);
      record(429);
      sendRateLimited(res, wait);
      return;
    }

    const membershipMatch = /^\/api\/v1\/memberships\/([^/]+)$/.exec(url.pathname);
    const accessMatch = /^\/api\/v1\/users\/([^/]+)\/access\/([^/]+)$/.exec(url.pathname);

    if (membershipMatch && req.method === "GET") {
      const idOrKey = decodeURIComponent(membershipMatch[1]!);
      const m = find(idOrKey);
      if (!m) {
        record(404);
        // Echoes the path id, as APIs do: the service must never log Whop's bodies.
        send(res, 404, { error: { code: "not_found", message: `Membership ${idOrKey} not found` } });
        return;
      }
      record(200);
      send(res, 200, m);
      return;
    }

    if (membershipMatch && req.method === "PATCH") {
      const id = decodeURIComponent(membershipMatch[1]!);
      try {
        body = rawBody ? JSON.parse(rawBody) : {};
      } catch {
        record(400);
        send(res, 400, { error: { code: "invalid_json", message: "Request body is not valid JSON" } });
        return;
      }
      // Writes use mem_ ids (the reference: whether a licence key works here is unverified).
      const m = memberships.find((x) => x.id === id);
      if (!m) {
        record(404);
        send(res, 404, { error: { code: "not_found", message: `Membership ${id} not found` } });
        return;
      }
      const metadata = (body as { metadata?: unknown }).metadata;
      if (metadata !== undefined) {
        if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) {
          record(422);
          send(res, 422, { error: { code: "invalid_parameter", message: "metadata must be an object" } });
          return;
        }
        const entries = Object.entries(metadata as Record<string, unknown>);
        const bad =
          entries.length > 50
            ? "metadata can have at most 50 keys"
            : entries.find(([k]) => k.length > 100)
              ? "metadata keys can be at most 100 characters"
              : entries.find(([, v]) => typeof v === "string" && v.length > 500)
                ? "metadata values can be at most 500 characters"
                : null;
        if (bad) {
          record(422);
          send(res, 422, { error: { code: "invalid_parameter", message: bad } });
          return;
        }
        m.metadata = { ...(metadata as Record<string, unknown>) };
      }
      m.updated_at = new Date().toISOString();
      record(200);
      send(res, 200, m);
      return;
    }

    if (accessMatch && req.method === "GET") {
      const userId = decodeURIComponent(accessMatch[1]!);
      const resource = decodeURIComponent(accessMatch[2]!);
      const has = memberships.some(
        (m) =>
          (m.user?.id === userId || m.user?.username === userId) &&
          (m.product.id === resource || m.company.id === resource) &&
          ["active", "trialing", "completed", "canceling", "past_due"].includes(m.status),
      );
      record(200);
      send(res, 200, { has_access: has, access_level: has ? "customer" : "no_access" });
      return;
    }

    record(404);
    send(res, 404, { error: { code: "not_found", message: `No route ${req.method} ${url.pathname}` } });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/v1`,
    memberships,
    requests,
    add(fields) {
      const m = makeMembership(fields);
      memberships.push(m);
      return m;
    },
    find,
    failNext(...failures) {
      queued.push(...failures);
    },
    down(failure) {
      persistent = failure;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
