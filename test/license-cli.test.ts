import { cpSync, readFileSync, statSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AuthError } from "../src/errors.js";
import { requirePro } from "../src/license/gate.js";
import { createNodeServer } from "../src/license-service/index.js";
import { main } from "../src/main.js";
import { type FakeWhop, startFakeWhop } from "./fakes/whop.js";
import {
  DAY,
  deadUrl,
  type KeyPair,
  makeCli,
  type RunningService,
  startService,
  type TestCli,
  testKeyPair,
} from "./license-helpers.js";

let whop: FakeWhop;
let keys: KeyPair;
let service: RunningService;
const clis: TestCli[] = [];

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
  for (const cli of clis.splice(0)) cli.cleanup();
  service.clock.now = null;
});

function cli(env: Record<string, string> = {}, url = service.url, home?: string): TestCli {
  const c = makeCli(
    { AUTHORSTACK_LICENSE_URL: url, AUTHORSTACK_LICENSE_PUBLIC_KEY: keys.publicPem, ...env },
    home,
  );
  clis.push(c);
  return c;
}

async function run(c: TestCli, ...argv: string[]): Promise<number> {
  c.reset();
  return main(argv, c.deps);
}

async function statusJson(c: TestCli) {
  expect(await run(c, "license", "status", "--json")).toBe(0);
  return JSON.parse(c.stdout());
}

async function gate(c: TestCli, feature = "report --email") {
  try {
    return await requirePro(c.deps, feature);
  } catch (error) {
    return error as AuthError;
  }
}

describe("license activate / status / deactivate", () => {
  it("fresh home → activate → status shows Pro with expiry; Pro commands allowed", async () => {
    whop.add({ license_key: "CLI-ACTIVE-0001" });
    const c = cli();
    const before = await statusJson(c);
    expect(before).toMatchObject({ pro: false, plan: "free", state: "none" });
    expect(before.message).toMatch(/authorstack license activate <key>/);

    expect(await run(c, "license", "activate", "CLI-ACTIVE-0001")).toBe(0);
    expect(c.stderr()).toMatch(/AuthorStack Pro is active/);
    expect(c.stdout()).toBe("");

    const s = await statusJson(c);
    expect(s).toMatchObject({ pro: true, plan: "pro", state: "valid", status: "active", key: "••••0001" });
    expect(s.allows).toEqual(expect.arrayContaining(["report --email", "run", "schedule"]));
    const expires = Date.parse(s.expiresAt);
    expect(Math.abs(expires - (c.clock.now.getTime() + 7 * DAY))).toBeLessThan(60_000);
    expect(Date.parse(s.graceUntil) - expires).toBe(7 * DAY);

    // Cache and key files are private; the key is not in the token cache.
    const cachePath = join(c.home, "license.json");
    expect(statSync(cachePath).mode & 0o777).toBe(0o600);
    expect(readFileSync(cachePath, "utf8")).not.toContain("CLI-ACTIVE-0001");
    expect(statSync(join(c.home, "credentials.json")).mode & 0o777).toBe(0o600);

    const info = await gate(c);
    expect(info).not.toBeInstanceOf(Error);
    expect(info).toMatchObject({ plan: "pro", status: "active", state: "valid" });

    expect(await run(c, "license", "status")).toBe(0);
    expect(c.stdout()).toMatch(/AuthorStack Pro/);
    expect(c.stdout()).toMatch(/report --email, run, schedule/);

    // Renewing later needs no key: the stored one is used.
    c.clock.now = new Date(c.clock.now.getTime() + 60_000);
    expect(await run(c, "license", "activate")).toBe(0);
  });

  it("activates from AUTHORSTACK_LICENSE_KEY without an argument, and needs a key otherwise (exit 2)", async () => {
    whop.add({ license_key: "CLI-ENV-0002" });
    const c = cli({ AUTHORSTACK_LICENSE_KEY: "CLI-ENV-0002" });
    expect(await run(c, "--json", "license", "activate")).toBe(0);
    expect(JSON.parse(c.stdout())).toMatchObject({ activated: true, license: { plan: "pro" } });

    const none = cli();
    expect(await run(none, "license", "activate")).toBe(2);
    expect(none.stderr()).toMatch(/AUTHORSTACK_LICENSE_KEY/);
  });

  it("a Pro command with only AUTHORSTACK_LICENSE_KEY set activates on first use", async () => {
    whop.add({ license_key: "CLI-ENV-AUTO" });
    const c = cli({ AUTHORSTACK_LICENSE_KEY: "CLI-ENV-AUTO" });
    const info = await gate(c, "run");
    expect(info).toMatchObject({ plan: "pro" });
    expect((await statusJson(c)).pro).toBe(true);
  });

  it.each([
    ["trialing", 0, /trialing/],
    ["past_due", 0, /past_due/],
    ["expired", 4, /not valid: the membership is expired/],
    ["canceled", 4, /not valid: the membership is canceled/],
  ])("membership %s → exit %i", async (status, code, message) => {
    const key = `CLI-${status.toUpperCase()}`;
    whop.add({
      license_key: key,
      status,
      renewal_period_end: new Date(Date.now() - (status === "past_due" ? DAY : -10 * DAY)).toISOString(),
    });
    const c = cli();
    expect(await run(c, "license", "activate", key)).toBe(code);
    expect(c.stderr()).toMatch(message);
    if (code === 4) {
      expect(c.stderr()).toMatch(/Renew or reactivate/);
      expect((await statusJson(c)).pro).toBe(false);
    }
  });

  it("an unknown key or another product's key → exit 4", async () => {
    whop.add({
      license_key: "CLI-WRONG-PRODUCT",
      product: { id: "prod_other", title: "Course", metadata: null },
    });
    const c = cli();
    expect(await run(c, "license", "activate", "CLI-NO-SUCH-KEY")).toBe(4);
    expect(c.stderr()).toMatch(/does not know this licence key/);
    expect(await run(c, "license", "activate", "CLI-WRONG-PRODUCT")).toBe(4);
    expect(c.stderr()).toMatch(/not an AuthorStack Pro licence key/);
    expect(c.stderr()).not.toMatch(/CLI-WRONG-PRODUCT/);
  });

  it("a second machine → exit 4 'bound to another machine' with how to release it; deactivate frees it", async () => {
    whop.add({ license_key: "CLI-TWO-MACHINES" });
    const first = cli();
    const second = cli();
    expect(await run(first, "license", "activate", "CLI-TWO-MACHINES")).toBe(0);
    expect(await run(second, "license", "activate", "CLI-TWO-MACHINES")).toBe(4);
    expect(second.stderr()).toMatch(/bound to another machine/);
    expect(second.stderr()).toMatch(/authorstack license deactivate/);
    expect(second.stderr()).toMatch(/Reset key/);

    expect(await run(first, "--json", "license", "deactivate")).toBe(0);
    expect(JSON.parse(first.stdout())).toMatchObject({ released: true, forgotten: true });
    expect((await statusJson(first)).pro).toBe(false);
    expect(await run(second, "license", "activate", "CLI-TWO-MACHINES")).toBe(0);
  });

  it("a refresh that finds the key bound elsewhere (reset + used on another machine) revokes the cache", async () => {
    const m = whop.add({ license_key: "CLI-MOVED" });
    const c = cli();
    expect(await run(c, "license", "activate", "CLI-MOVED")).toBe(0);
    m.metadata = { hwid: "f".repeat(32) };
    c.clock.now = new Date(Date.now() + 2 * DAY);
    service.clock.now = c.clock.now;
    const error = await gate(c);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/bound to another machine/);
    expect((await statusJson(c)).pro).toBe(false);
  });

  it("a refresh that finds the membership canceled revokes the cache", async () => {
    const m = whop.add({ license_key: "CLI-CANCELED-LATER" });
    const c = cli();
    expect(await run(c, "license", "activate", "CLI-CANCELED-LATER")).toBe(0);
    m.status = "canceled";
    // Within a day: no refresh, the cached token still counts.
    c.clock.now = new Date(Date.now() + 3_600_000);
    expect(await gate(c)).toMatchObject({ plan: "pro" });
    c.clock.now = new Date(Date.now() + 2 * DAY);
    service.clock.now = c.clock.now;
    const error = await gate(c);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).exitCode).toBe(4);
    expect((error as AuthError).message).toMatch(/canceled/);
  });

  it("refreshes a token older than a day when the service is up", async () => {
    whop.add({ license_key: "CLI-REFRESH" });
    const c = cli();
    expect(await run(c, "license", "activate", "CLI-REFRESH")).toBe(0);
    const first = (await statusJson(c)).issuedAt;
    c.clock.now = new Date(Date.now() + 2 * DAY);
    service.clock.now = c.clock.now;
    const hits = service.hits.length;
    const info = await gate(c);
    expect(service.hits.length).toBe(hits + 1);
    expect(Date.parse((info as { issuedAt: string }).issuedAt)).toBeGreaterThan(Date.parse(first));
  });
});

describe("offline behaviour", () => {
  it("service down with a fresh cache: allowed without contacting anyone", async () => {
    whop.add({ license_key: "CLI-OFFLINE-FRESH" });
    const c = cli();
    expect(await run(c, "license", "activate", "CLI-OFFLINE-FRESH")).toBe(0);
    // Point the CLI at a dead address: a fresh token never needs the service.
    c.deps.env.AUTHORSTACK_LICENSE_URL = await deadUrl();
    c.clock.now = new Date(Date.now() + 6 * 3600_000);
    expect(await gate(c)).toMatchObject({ state: "valid" });
  });

  it("service stopped: allowed until expiry + 7 days' grace (stale cache), then exit 4 with the fix", async () => {
    const w = await startFakeWhop();
    const svc = await startService(w, keys);
    w.add({ license_key: "CLI-OFFLINE-STALE" });
    const c = cli({}, svc.url);
    const t0 = Date.now();
    expect(await run(c, "license", "activate", "CLI-OFFLINE-STALE")).toBe(0);
    await svc.close();
    await w.close();

    c.clock.now = new Date(t0 + 3 * DAY); // stale (older than a day): refresh fails, cache still good
    expect(await gate(c)).toMatchObject({ state: "valid" });
    c.reset();
    c.clock.now = new Date(t0 + 10 * DAY); // expired 3 days ago: grace
    expect(await gate(c)).toMatchObject({ state: "grace" });
    expect(c.stderr()).toMatch(/working offline/);
    expect(await statusJson(c)).toMatchObject({ pro: true, state: "grace" });

    c.clock.now = new Date(t0 + 14 * DAY + 3_600_000); // past expiry + 7 days
    const error = await gate(c);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).exitCode).toBe(4);
    expect((error as AuthError).message).toMatch(/offline grace ended/);
    expect((error as AuthError).hint).toMatch(/authorstack license activate/);
    expect(await statusJson(c)).toMatchObject({ pro: false, state: "expired" });
  });

  it("a service that hangs does not block a Pro command beyond the short refresh timeout", async () => {
    whop.add({ license_key: "CLI-SLOW-SERVICE" });
    const c = cli();
    expect(await run(c, "license", "activate", "CLI-SLOW-SERVICE")).toBe(0);
    const hanging = createNodeServer(() => new Promise<Response>(() => {}));
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    try {
      c.deps.env.AUTHORSTACK_LICENSE_URL = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
      c.clock.now = new Date(Date.now() + 2 * DAY); // stale: a refresh is attempted, and given up
      expect(await gate(c)).toMatchObject({ state: "valid", plan: "pro" });
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
  });

  it("activation with the service down → exit 5 naming the service", async () => {
    const c = cli({}, await deadUrl());
    expect(await run(c, "license", "activate", "CLI-WHATEVER")).toBe(5);
    expect(c.stderr()).toMatch(/licence service at 127\.0\.0\.1:\d+ could not be reached/);
  });

  it("Whop down behind the service → exit 5 at activation", async () => {
    whop.add({ license_key: "CLI-WHOP-DOWN" });
    whop.down({ kind: "server_error" });
    try {
      const c = cli();
      expect(await run(c, "license", "activate", "CLI-WHOP-DOWN")).toBe(5);
      expect(c.stderr()).toMatch(/502/);
    } finally {
      whop.down(null);
    }
  });
});

describe("tokens that must not pass", () => {
  it("no licence → exit 4 saying how to activate", async () => {
    const c = cli();
    const error = await gate(c, "schedule");
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/`schedule` is part of AuthorStack Pro/);
    expect((error as AuthError).hint).toMatch(/authorstack license activate <key>/);
    expect((error as AuthError).hint).toMatch(/AUTHORSTACK_LICENSE_KEY/);
  });

  it("a tampered token (edited claims) is rejected", async () => {
    whop.add({ license_key: "CLI-TAMPER" });
    const c = cli();
    expect(await run(c, "license", "activate", "CLI-TAMPER")).toBe(0);
    const path = join(c.home, "license.json");
    const cache = JSON.parse(readFileSync(path, "utf8"));
    const [h, p, s] = cache.token.split(".");
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    claims.exp += 365 * 24 * 3600;
    cache.token = [h, Buffer.from(JSON.stringify(claims)).toString("base64url"), s].join(".");
    writeFileSync(path, JSON.stringify(cache));
    const error = await gate(c);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/signature does not verify/);
    expect(await statusJson(c)).toMatchObject({ pro: false, state: "invalid" });
  });

  it("a token copied from another machine is rejected", async () => {
    whop.add({ license_key: "CLI-COPIED" });
    const a = cli();
    expect(await run(a, "license", "activate", "CLI-COPIED")).toBe(0);
    const b = cli();
    cpSync(join(a.home, "license.json"), join(b.home, "license.json"));
    cpSync(join(a.home, "credentials.json"), join(b.home, "credentials.json"));
    const error = await gate(b);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/issued to another machine/);
  });

  it("a token of another licence key is rejected", async () => {
    whop.add({ license_key: "CLI-KEY-ONE" });
    const c = cli();
    expect(await run(c, "license", "activate", "CLI-KEY-ONE")).toBe(0);
    c.deps.credentials.set("license", { key: "CLI-KEY-TWO" });
    const error = await gate(c);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/another licence key/);
  });

  it("a token signed by another key pair (not the configured public key) is rejected", async () => {
    whop.add({ license_key: "CLI-OTHER-SIGNER" });
    const c = cli({ AUTHORSTACK_LICENSE_PUBLIC_KEY: testKeyPair().publicPem });
    expect(await run(c, "license", "activate", "CLI-OTHER-SIGNER")).toBe(4);
    expect(c.stderr()).toMatch(/signature does not verify/);
    // And the bundled production key does not accept test tokens.
    whop.add({ license_key: "CLI-BUNDLED-KEY" });
    const bundled = makeCli({ AUTHORSTACK_LICENSE_URL: service.url });
    clis.push(bundled);
    expect(await main(["license", "activate", "CLI-BUNDLED-KEY"], bundled.deps)).toBe(4);
    expect(bundled.stderr()).toMatch(/signature does not verify/);
  });

  it("clock skew: minutes either way are fine; a clock days behind the service is named", async () => {
    whop.add({ license_key: "CLI-SKEW" });
    const behind = cli();
    behind.clock.now = new Date(Date.now() - 4 * 60_000);
    expect(await run(behind, "license", "activate", "CLI-SKEW")).toBe(0);
    expect(await gate(behind)).toMatchObject({ state: "valid" });
    expect(await run(behind, "license", "deactivate")).toBe(0);

    const ahead = cli();
    ahead.clock.now = new Date(Date.now() + 30 * 60_000);
    expect(await run(ahead, "license", "activate", "CLI-SKEW")).toBe(0);
    expect(await gate(ahead)).toMatchObject({ state: "valid" });
    expect(await run(ahead, "license", "deactivate")).toBe(0);

    const wayBehind = cli();
    wayBehind.clock.now = new Date(Date.now() - 3 * DAY);
    expect(await run(wayBehind, "license", "activate", "CLI-SKEW")).toBe(4);
    expect(wayBehind.stderr()).toMatch(/clock is 3 days behind/);
    expect(wayBehind.stderr()).toMatch(/NTP/);

    // Setting the clock back after activation (to stretch the offline period) is caught too.
    whop.add({ license_key: "CLI-SET-BACK" });
    const setBack = cli();
    expect(await run(setBack, "license", "activate", "CLI-SET-BACK")).toBe(0);
    setBack.clock.now = new Date(Date.now() - 20 * DAY);
    const error = await gate(setBack);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/clock is 20 days behind the licence service/);
    expect(await statusJson(setBack)).toMatchObject({ pro: false, state: "invalid" });
  });
});

describe("free commands", () => {
  it("never contact the licence service", async () => {
    const c = cli();
    const hits = service.hits.length;
    expect(await run(c, "license", "status")).toBe(0);
    expect(await run(c, "config", "list")).toBe(0);
    expect(await run(c, "--help")).toBe(0);
    expect(service.hits.length).toBe(hits);
  });
});
