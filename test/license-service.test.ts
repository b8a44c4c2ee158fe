import { compactVerify, importSPKI } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { licenseKeyHash } from "../src/license/hash.js";
import { loadServiceConfig, parseDuration, ServiceConfigError } from "../src/license-service/index.js";
import { FAKE_WHOP_KEY, type FakeWhop, OTHER_PRODUCT_ID, startFakeWhop } from "./fakes/whop.js";
import { DAY, type KeyPair, type RunningService, startService, testKeyPair } from "./license-helpers.js";

const MACHINE_A = "a".repeat(32);
const MACHINE_B = "b".repeat(32);

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below.
type Body = Record<string, any>;

let whop: FakeWhop;
let keys: KeyPair;
let service: RunningService;

beforeAll(async () => {
  whop = await startFakeWhop();
  keys = testKeyPair();
  service = await startService(whop, keys);
});
afterAll(async () => {
  await service.close();
  await whop.close();
});
afterEach(() => {
  whop.down(null);
});

async function post(path: string, body: unknown, svc = service, headers: Record<string, string> = {}) {
  const response = await fetch(`${svc.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in assertions
    body: (await response.json()) as Record<string, any>,
  };
}

const validate = (key: string, machine = MACHINE_A, svc = service) =>
  post("/v1/licenses/validate", { license_key: key, machine_id: machine, app_version: "0.1.0" }, svc);
const deactivate = (key: string, machine = MACHINE_A) =>
  post("/v1/licenses/deactivate", { license_key: key, machine_id: machine });

async function claimsOf(token: string) {
  const { payload, protectedHeader } = await compactVerify(token, await importSPKI(keys.publicPem, "EdDSA"));
  return { header: protectedHeader, claims: JSON.parse(new TextDecoder().decode(payload)) };
}

describe("licence service against the fake Whop", () => {
  it("answers /healthz without calling Whop", async () => {
    const before = whop.requests.length;
    const response = await fetch(`${service.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true });
    expect(whop.requests.length).toBe(before);
  });

  it("activates an active key: binds the machine by merging metadata and signs a token", async () => {
    const m = whop.add({
      license_key: "AS-ACTIVE-0001",
      metadata: { discord_role: "reader", note: "keep me" },
    });
    const r = await validate("AS-ACTIVE-0001");
    expect(r.status).toBe(200);
    expect(r.body.license).toMatchObject({ plan: "pro", status: "active", machine_id: MACHINE_A });
    const { header, claims } = await claimsOf(r.body.token);
    expect(header).toMatchObject({ alg: "EdDSA", typ: "authorstack-license+jwt" });
    expect(claims).toMatchObject({
      iss: "authorstack-license-service",
      aud: "authorstack-cli",
      sub: licenseKeyHash("AS-ACTIVE-0001"),
      mid: MACHINE_A,
      status: "active",
      plan: "pro",
      plan_id: "plan_fakepromonthly",
    });
    expect(claims.exp - claims.iat).toBe(7 * 24 * 3600);
    // Other metadata keys survive the binding.
    expect(m.metadata).toMatchObject({ discord_role: "reader", note: "keep me", hwid: MACHINE_A });
    const patch = whop.requests.find((q) => q.method === "PATCH" && q.path === `/api/v1/memberships/${m.id}`);
    expect(patch).toBeDefined();
    expect(patch!.headers.authorization).toBe(`Bearer ${FAKE_WHOP_KEY}`);
    expect(patch!.headers["api-version-date"]).toBe("2026-07-20");
    // The lookup used the licence key; the write used the mem_ id.
    expect(
      whop.requests.some((q) => q.method === "GET" && q.path === "/api/v1/memberships/AS-ACTIVE-0001"),
    ).toBe(true);

    // The same machine again: valid, no second write.
    const patches = whop.requests.filter((q) => q.method === "PATCH").length;
    expect((await validate("AS-ACTIVE-0001")).status).toBe(200);
    expect(whop.requests.filter((q) => q.method === "PATCH").length).toBe(patches);
  });

  it("refuses a second machine with 409 until the binding is released", async () => {
    const m = whop.add({ license_key: "AS-BOUND-0002", metadata: { other: "x" } });
    expect((await validate("AS-BOUND-0002", MACHINE_A)).status).toBe(200);
    const second = await validate("AS-BOUND-0002", MACHINE_B);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe("license_bound_elsewhere");
    expect(second.body.error.message).toMatch(/bound to another machine/);

    // Machine B cannot release A's binding.
    expect((await deactivate("AS-BOUND-0002", MACHINE_B)).status).toBe(409);
    const released = await deactivate("AS-BOUND-0002", MACHINE_A);
    expect(released.status).toBe(200);
    expect(released.body.released).toBe(true);
    expect(m.metadata).toEqual({ other: "x" });
    expect((await deactivate("AS-BOUND-0002", MACHINE_A)).body.released).toBe(false);
    expect((await validate("AS-BOUND-0002", MACHINE_B)).status).toBe(200);
    expect(m.metadata).toMatchObject({ other: "x", hwid: MACHINE_B });
  });

  it("treats a key reset in Whop (metadata cleared) as unbound", async () => {
    const m = whop.add({ license_key: "AS-RESET-0003" });
    await validate("AS-RESET-0003", MACHINE_A);
    m.metadata = {};
    expect((await validate("AS-RESET-0003", MACHINE_B)).status).toBe(200);
  });

  it.each([
    ["trialing", 200],
    ["completed", 200],
    ["canceling", 200],
    ["expired", 402],
    ["canceled", 402],
    ["unresolved", 402],
    ["drafted", 402],
  ])("status %s → %i", async (status, expected) => {
    const key = `AS-STATUS-${status.toUpperCase()}`;
    whop.add({ license_key: key, status });
    const r = await validate(key);
    expect(r.status).toBe(expected);
    if (expected === 402) {
      expect(r.body.error).toEqual({ code: "license_inactive", message: `the membership is ${status}` });
      // An invalid membership is never bound.
      expect(whop.find(key)!.metadata).toEqual({});
    } else {
      expect((await claimsOf(r.body.token)).claims.status).toBe(status);
    }
  });

  it("caps a canceling membership's token at its period end", async () => {
    const end = new Date(Date.now() + 2 * DAY);
    whop.add({ license_key: "AS-CANCELING-CAP", status: "canceling", renewal_period_end: end.toISOString() });
    const r = await validate("AS-CANCELING-CAP");
    const { claims } = await claimsOf(r.body.token);
    expect(claims.exp).toBe(Math.floor(end.getTime() / 1000));
  });

  it("accepts past_due within the grace window only", async () => {
    whop.add({
      license_key: "AS-PASTDUE-RECENT",
      status: "past_due",
      renewal_period_end: new Date(Date.now() - 2 * DAY).toISOString(),
    });
    whop.add({
      license_key: "AS-PASTDUE-OLD",
      status: "past_due",
      renewal_period_end: new Date(Date.now() - 10 * DAY).toISOString(),
    });
    const recent = await validate("AS-PASTDUE-RECENT");
    expect(recent.status).toBe(200);
    const { claims } = await claimsOf(recent.body.token);
    // Token ends with the grace window (period end + 7 days), not after the full TTL.
    expect(claims.exp * 1000).toBeLessThanOrEqual(Date.now() + 5 * DAY + 1000);
    const old = await validate("AS-PASTDUE-OLD");
    expect(old.status).toBe(402);
    expect(old.body.error.code).toBe("license_inactive");
  });

  it("says an unknown key or another product's key is not a licence (404)", async () => {
    whop.add({
      license_key: "AS-OTHER-PRODUCT",
      product: { id: OTHER_PRODUCT_ID, title: "A course", metadata: null },
    });
    const unknown = await validate("AS-NO-SUCH-KEY");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("license_not_found");
    const other = await validate("AS-OTHER-PRODUCT");
    expect(other.status).toBe(404);
    expect(other.body.error.message).toMatch(/not an AuthorStack Pro licence/);
    expect(whop.find("AS-OTHER-PRODUCT")!.metadata).toEqual({});
  });

  it("refuses a membership id (mem_…, as in manage URLs) in place of the licence key (404)", async () => {
    const membership = whop.add({ license_key: "AS-REAL-KEY-0042" });
    const byId = await validate(membership.id);
    expect(byId.status).toBe(404);
    expect(byId.body.error.code).toBe("license_not_found");
    expect(whop.find(membership.id)!.metadata).toEqual({}); // nothing bound
    const withoutKey = whop.add({ license_key: null });
    expect((await validate(withoutKey.id)).status).toBe(404);
    expect((await validate("AS-REAL-KEY-0042")).status).toBe(200);
  });

  it("rejects malformed requests with 400 and JSON errors", async () => {
    const notJson = await post("/v1/licenses/validate", "{nope");
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe("invalid_request");
    expect((await post("/v1/licenses/validate", { license_key: "AS-X" })).status).toBe(400);
    expect((await post("/v1/licenses/validate", { license_key: "", machine_id: MACHINE_A })).status).toBe(
      400,
    );
    expect(
      (await post("/v1/licenses/validate", { license_key: "AS-X", machine_id: "../../etc" })).status,
    ).toBe(400);
    expect((await post("/v1/licenses/validate", [1, 2])).status).toBe(400);
    const wrongType = await post("/v1/licenses/validate", "license_key=AS-X", service, {
      "content-type": "text/plain",
    });
    expect(wrongType.status).toBe(400);
    const get = await fetch(`${service.url}/v1/licenses/validate`);
    expect(get.status).toBe(405);
    expect(((await get.json()) as Body).error.code).toBe("method_not_allowed");
    const nowhere = await fetch(`${service.url}/v1/nothing`);
    expect(nowhere.status).toBe(404);
  });

  it("answers 502 when Whop is down, slow-failing or refuses the service's key", async () => {
    whop.add({ license_key: "AS-WHOP-DOWN" });
    whop.down({ kind: "server_error" });
    const down = await validate("AS-WHOP-DOWN");
    expect(down.status).toBe(502);
    expect(down.body.error.code).toBe("whop_unavailable");
    whop.down({ kind: "reset" });
    expect((await validate("AS-WHOP-DOWN")).status).toBe(502);
    whop.down(null);

    const badKey = await startService(whop, keys, { WHOP_API_KEY: "whop_test_revoked_key" });
    try {
      const r = await validate("AS-WHOP-DOWN", MACHINE_A, badKey);
      expect(r.status).toBe(502);
      expect(badKey.logs.join("")).not.toContain("whop_test_revoked_key");
      expect(badKey.logs.join("")).toMatch(/refused the service's credentials \(401\); check WHOP_API_KEY/);
    } finally {
      await badKey.close();
    }
  });

  it("retries once when Whop answers 429 with a short retry-after", async () => {
    whop.add({ license_key: "AS-WHOP-429" });
    whop.failNext({ kind: "rate_limit", retryAfter: 0 });
    expect((await validate("AS-WHOP-429")).status).toBe(200);
    whop.failNext({ kind: "rate_limit", retryAfter: 30 });
    expect((await validate("AS-WHOP-429")).status).toBe(502);
  });

  it("rate-limits per licence key and per IP", async () => {
    const limited = await startService(whop, keys, { RATE_LIMIT_PER_KEY: "2", RATE_LIMIT_PER_IP: "5" });
    try {
      whop.add({ license_key: "AS-RATE-1" });
      expect((await validate("AS-RATE-1", MACHINE_A, limited)).status).toBe(200);
      expect((await validate("AS-RATE-1", MACHINE_A, limited)).status).toBe(200);
      const third = await validate("AS-RATE-1", MACHINE_A, limited);
      expect(third.status).toBe(429);
      expect(third.body.error.code).toBe("rate_limited");
      expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
      // Other keys from the same IP still pass until the IP's budget (5) is spent.
      expect((await validate("AS-RATE-OTHER-1", MACHINE_A, limited)).status).toBe(404);
      expect((await validate("AS-RATE-OTHER-2", MACHINE_A, limited)).status).toBe(404);
      expect((await validate("AS-RATE-OTHER-3", MACHINE_A, limited)).status).toBe(429);
      // A new window later (the service's clock) lets requests through again.
      limited.clock.now = new Date(Date.now() + 61_000);
      expect((await validate("AS-RATE-1", MACHINE_A, limited)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("logs structured JSON lines without the Whop key or licence keys in clear", async () => {
    expect(service.logs.length).toBeGreaterThan(5);
    const text = service.logs.join("");
    for (const line of service.logs) expect(() => JSON.parse(line)).not.toThrow();
    expect(text).not.toContain(FAKE_WHOP_KEY);
    expect(text).not.toMatch(/AS-[A-Z0-9-]{4,}/);
    const entry = service.logs
      .map((l) => JSON.parse(l))
      .find((e) => e.path === "/v1/licenses/validate" && e.status === 200);
    expect(entry).toMatchObject({ level: "info", msg: "request", method: "POST" });
    expect(entry.key).toMatch(/^sha256:[0-9a-f]{12}$/);
  });
});

describe("licence service configuration", () => {
  it("names missing settings and never echoes key material", () => {
    expect(() => loadServiceConfig({})).toThrow(ServiceConfigError);
    expect(() => loadServiceConfig({})).toThrow(/WHOP_API_KEY, WHOP_PRODUCT_ID, LICENSE_SIGNING_KEY/);
    // Assembled at run time so that the repository holds nothing shaped like a private key.
    const pem = (label: string) => `-----${label} ${["PRIVATE", "KEY"].join(" ")}-----`;
    const bad = `${pem("BEGIN")}\nnot-really-a-key-SECRETSECRET\n${pem("END")}`;
    try {
      loadServiceConfig({ WHOP_API_KEY: "whop_test_x", WHOP_PRODUCT_ID: "prod_x", LICENSE_SIGNING_KEY: bad });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain("SECRETSECRET");
    }
  });

  it("reads defaults and durations", () => {
    const config = loadServiceConfig({
      WHOP_API_KEY: "whop_test_x",
      WHOP_PRODUCT_ID: "prod_x",
      LICENSE_SIGNING_KEY: testKeyPair().privatePem.replace(/\n/g, "\\n"),
      LICENSE_TOKEN_TTL: "12h",
    });
    expect(config.whopApiUrl).toBe("https://api.whop.com/api/v1");
    expect(config.tokenTtlSeconds).toBe(12 * 3600);
    expect(config.port).toBe(8787);
    expect(parseDuration("7d", "X")).toBe(604800);
    expect(parseDuration("3600", "X")).toBe(3600);
    expect(() => parseDuration("soon", "LICENSE_TOKEN_TTL")).toThrow(/LICENSE_TOKEN_TTL/);
  });
});
