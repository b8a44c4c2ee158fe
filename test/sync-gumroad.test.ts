import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SaleRecord } from "../src/model.js";
import { GumroadApi, gumroadSettings } from "../src/sources/gumroad/api.js";
import {
  addDays,
  type GumroadSyncState,
  type SalesSource,
  syncGumroad,
} from "../src/sources/gumroad/sync.js";
import { openDatabase } from "../src/store/db.js";
import { SyncStore } from "../src/store/gumroad.js";
import { parseMicros } from "../src/util/money.js";
import { type FakeGumroad, startFakeGumroad } from "./fakes/gumroad.js";
import {
  deadUrl,
  type GumroadCli,
  gumroadEnv,
  makeGumroadCli,
  storedRow,
  storedTotals,
} from "./gumroad-helpers.js";

interface Summary {
  mode: string;
  after: string | null;
  windows: number;
  requests: number;
  retries: number;
  fetched: number;
  new: number;
  updated: number;
  unchanged: number;
  stored: number;
  lastSyncAt: string;
}

async function syncJson(
  cli: GumroadCli,
  ...args: string[]
): Promise<{ code: number; summary: Summary | null }> {
  cli.reset();
  const code = await cli.run("sync", "gumroad", "--json", ...args);
  const out = cli.stdout();
  return { code, summary: out ? (JSON.parse(out) as Summary) : null };
}

function expectTotalsMatch(cli: GumroadCli, fake: FakeGumroad): void {
  const stored = storedTotals(cli.home);
  const expected = fake.expected();
  expect(stored.rows).toBe(fake.sales.length);
  expect(stored.distinct).toBe(fake.sales.length);
  expect({ sold: stored.sold, free: stored.free, refunded: stored.refunded }).toEqual({
    sold: expected.units.sold,
    free: expected.units.free,
    refunded: expected.units.refunded,
  });
  expect(stored.royaltyMicros).toBe(expected.royaltyCents * 10_000);
}

describe("sync gumroad against the fake (2,500 sales)", () => {
  let fake: FakeGumroad;
  let cli: GumroadCli;
  let token: string;

  beforeEach(async () => {
    fake = await startFakeGumroad({ sales: 2500, seed: 11, days: 700 });
    token = fake.issueToken();
    cli = makeGumroadCli(gumroadEnv(fake, { GUMROAD_ACCESS_TOKEN: token }));
  });

  afterEach(async () => {
    await fake.close();
    cli.cleanup();
  });

  it("stores every sale; report --source gumroad equals the fake's totals; a second sync is incremental and changes nothing", async () => {
    const first = await syncJson(cli);
    expect(first.code, cli.stderr()).toBe(0);
    expect(first.summary).toMatchObject({
      mode: "full",
      new: 2500,
      updated: 0,
      unchanged: 0,
      fetched: 2500,
      stored: 2500,
    });
    expect(first.summary!.windows).toBeGreaterThan(1);
    expectTotalsMatch(cli, fake);

    // every page request repeats its window's filters with the cursor
    for (const r of fake.apiRequests.filter((x) => x.path === "/v2/sales" && x.query.page_key)) {
      expect(Object.keys(r.query).some((k) => k === "after" || k === "before")).toBe(true);
    }

    // report --source gumroad over the whole span equals the fake's own totals, to the cent
    const days = fake.sales.map((s) => s.createdAt.toISOString().slice(0, 10)).sort();
    cli.reset();
    const code = await cli.run(
      "report",
      "--source",
      "gumroad",
      "--json",
      "--from",
      days[0]!,
      "--to",
      days.at(-1)!,
    );
    expect(code, cli.stderr()).toBe(0);
    const report = JSON.parse(cli.stdout()) as {
      totals: {
        units: { sold: number; free: number; refunded: number; net: number };
        royalties: Record<string, string>;
      };
    };
    const expected = fake.expected();
    expect(report.totals.units).toEqual(expected.units);
    expect(Object.keys(report.totals.royalties)).toEqual(["USD"]);
    expect(parseMicros(report.totals.royalties.USD!)).toBe(parseMicros(expected.royalties.USD));

    cli.reset();
    expect(
      await cli.run("report", "--by", "source", "--json", "--from", days[0]!, "--to", days.at(-1)!),
    ).toBe(0);
    const bySource = JSON.parse(cli.stdout()) as {
      rows: { key: string; units: unknown; royalties: Record<string, string> }[];
    };
    const gumroadRow = bySource.rows.find((r) => r.key === "gumroad");
    expect(gumroadRow?.units).toEqual(expected.units);
    expect(parseMicros(gumroadRow!.royalties.USD!)).toBe(parseMicros(expected.royalties.USD));

    // second sync: only the incremental range (last sync − 45 days), nothing changes
    const before = fake.requests.length;
    const second = await syncJson(cli);
    expect(second.code, cli.stderr()).toBe(0);
    const since = addDays(first.summary!.lastSyncAt.slice(0, 10), -45);
    expect(second.summary).toMatchObject({ mode: "incremental", after: since, new: 0, updated: 0 });
    expect(second.summary!.unchanged).toBe(fake.expected({ from: since }).count);
    const requests = fake.requests.slice(before);
    expect(requests.length).toBe(second.summary!.requests);
    for (const r of requests) {
      expect(r.path).toBe("/v2/sales");
      expect(r.query.after !== undefined && r.query.after >= since, JSON.stringify(r.query)).toBe(true);
    }
    expect(requests.length).toBeLessThan(first.summary!.requests / 4);
    expectTotalsMatch(cli, fake);
  });

  it("refunding 3 sales on Gumroad and syncing again updates exactly those", async () => {
    expect((await syncJson(cli)).code).toBe(0);
    const recentPaid = fake.sales
      .filter((s) => s.priceCents > 0 && !s.refunded && !s.disputed && s.refundedListedMinor === 0)
      .filter((s) => Date.now() - s.createdAt.getTime() < 30 * 86_400_000)
      .slice(-3);
    expect(recentPaid).toHaveLength(3);
    const rowsBefore = new Map(fake.sales.map((s) => [s.id, JSON.stringify(storedRow(cli.home, s.id))]));
    fake.refund(recentPaid[0]!.id); // full refund
    fake.refund(recentPaid[1]!.id, Math.floor(recentPaid[1]!.totalListedMinor / 3)); // partial
    recentPaid[2]!.disputed = true; // chargeback, not won

    const again = await syncJson(cli);
    expect(again.code, cli.stderr()).toBe(0);
    expect(again.summary).toMatchObject({ new: 0, updated: 3 });
    const changed = fake.sales.filter(
      (s) => JSON.stringify(storedRow(cli.home, s.id)) !== rowsBefore.get(s.id),
    );
    expect(changed.map((s) => s.id).sort()).toEqual(recentPaid.map((s) => s.id).sort());
    expect(storedRow(cli.home, recentPaid[0]!.id)).toMatchObject({
      royalty_micros: 0,
      units_refunded: recentPaid[0]!.quantity,
    });
    expect(storedRow(cli.home, recentPaid[2]!.id)).toMatchObject({
      royalty_micros: 0,
      transaction_type: "chargeback",
    });
    expectTotalsMatch(cli, fake);
  });

  it("429 on every 5th request, a dropped connection and a 502: same totals, exit 0", async () => {
    fake.faults = { rateLimitEvery: 5, dropAt: [7, 61], serverErrorAt: [33] };
    const result = await syncJson(cli);
    expect(result.code, cli.stderr()).toBe(0);
    expect(result.summary!.retries).toBeGreaterThanOrEqual(50);
    expect(fake.apiRequests.some((r) => r.status === 429)).toBe(true);
    expect(fake.apiRequests.some((r) => r.status === -1)).toBe(true);
    expectTotalsMatch(cli, fake);
  });

  it("a sequential walk (--concurrency 1) stores the same rows; --full refetches and reports them unchanged", async () => {
    const seq = await syncJson(cli, "--concurrency", "1");
    expect(seq.code, cli.stderr()).toBe(0);
    expect(seq.summary).toMatchObject({ windows: 1, new: 2500 });
    expect(seq.summary!.requests).toBe(2500 / 10);
    expectTotalsMatch(cli, fake);
    const full = await syncJson(cli, "--full");
    expect(full.summary).toMatchObject({ mode: "full", new: 0, updated: 0, unchanged: 2500 });
  });

  it("--since fetches from that day only and does not move the incremental watermark", async () => {
    const since = fake.sales.at(-40)!.createdAt.toISOString().slice(0, 10);
    const result = await syncJson(cli, "--since", since);
    expect(result.code, cli.stderr()).toBe(0);
    expect(result.summary!.new).toBe(fake.expected({ from: since }).count);
    expect(result.summary!.lastSyncAt).toBeNull();
    // the next plain sync is still a full one
    const next = await syncJson(cli);
    expect(next.summary).toMatchObject({ mode: "full" });
    expectTotalsMatch(cli, fake);
  });

  it("new sales after a sync are picked up by the next incremental sync", async () => {
    await syncJson(cli);
    const added = fake.addSales(25);
    const next = await syncJson(cli);
    expect(next.summary).toMatchObject({ mode: "incremental", new: 25, updated: 0 });
    expect(storedRow(cli.home, added[0]!.id)).toBeDefined();
    expectTotalsMatch(cli, fake);
  });
});

describe("sync gumroad failures", () => {
  let fake: FakeGumroad;
  let cli: GumroadCli;

  beforeEach(async () => {
    fake = await startFakeGumroad({ sales: 120, seed: 3 });
  });

  afterEach(async () => {
    await fake.close();
    cli?.cleanup();
  });

  it("a revoked token exits 4 and names the login command", async () => {
    const token = fake.issueToken();
    fake.revokeToken(token);
    cli = makeGumroadCli(gumroadEnv(fake, { GUMROAD_ACCESS_TOKEN: token }));
    const code = await cli.run("sync", "gumroad");
    expect(code).toBe(4);
    expect(cli.stderr()).toContain("authorstack auth login gumroad");
    expect(cli.stderr()).not.toContain(token);
    expect(cli.stderr()).not.toContain(token.slice(-12));
  });

  it("a token without view_sales exits 4", async () => {
    cli = makeGumroadCli(gumroadEnv(fake, { GUMROAD_ACCESS_TOKEN: fake.issueToken(["view_profile"]) }));
    expect(await cli.run("sync", "gumroad")).toBe(4);
    expect(cli.stderr()).toMatch(/scope/);
  });

  it("network down exits 5 after retries", async () => {
    const dead = await deadUrl();
    cli = makeGumroadCli({
      ...gumroadEnv(fake),
      AUTHORSTACK_GUMROAD_API_URL: dead,
      GUMROAD_ACCESS_TOKEN: "gumroad_test_x",
    });
    const code = await cli.run("sync", "gumroad");
    expect(code).toBe(5);
    expect(cli.stderr()).toMatch(/could not be reached.*connection refused.*after 5 tries/);
    expect(cli.stderr()).not.toContain("gumroad_test_x");
  });

  it("a Gumroad outage (503 on every request) exits 5; the next sync resumes", async () => {
    const token = fake.issueToken();
    cli = makeGumroadCli(gumroadEnv(fake, { GUMROAD_ACCESS_TOKEN: token }));
    fake.faults = { outage: true };
    expect(await cli.run("sync", "gumroad")).toBe(5);
    expect(cli.stderr()).toMatch(/HTTP 503/);
    fake.faults = {};
    expect(await cli.run("sync", "gumroad")).toBe(0);
    expectTotalsMatch(cli, fake);
  });

  it("not connected, not interactive: exit 4 naming the login command", async () => {
    cli = makeGumroadCli(gumroadEnv(fake));
    expect(await cli.run("sync", "gumroad")).toBe(4);
    expect(cli.stderr()).toContain("not connected to Gumroad");
    expect(cli.stderr()).toContain("authorstack auth login gumroad");
  });

  it("bad flags are usage errors (exit 2)", async () => {
    cli = makeGumroadCli(gumroadEnv(fake, { GUMROAD_ACCESS_TOKEN: fake.issueToken() }));
    expect(await cli.run("sync", "gumroad", "--since", "2025-02-30")).toBe(2);
    expect(cli.stderr()).toMatch(/--since must be a date/);
    expect(await cli.run("sync", "gumroad", "--since", "2025-01-01", "--full")).toBe(2);
    expect(await cli.run("sync", "amazon")).toBe(2);
    expect(await cli.run("sync", "gumroad", "--concurrency", "0")).toBe(2);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("the sync engine", () => {
  it("fails on a repeated cursor instead of looping", async () => {
    let calls = 0;
    const source: SalesSource = {
      async salesPage() {
        calls++;
        return {
          sales: [{ id: `s${calls}`, created_at: "2025-01-01T10:00:00Z", price: 100, gumroad_fee: 20 }],
          nextPageKey: "20250101100000000000-5",
        };
      },
    };
    let state: GumroadSyncState | null = null;
    const stored: string[] = [];
    const sink = {
      readState: () => state,
      writeState: (s: GumroadSyncState) => {
        state = JSON.parse(JSON.stringify(s));
      },
      commitPage: (
        records: { externalId: string | null }[],
        next: (c: { new: number; updated: number; unchanged: number }) => GumroadSyncState,
      ) => {
        stored.push(...records.map((r) => r.externalId!));
        state = JSON.parse(JSON.stringify(next({ new: records.length, updated: 0, unchanged: 0 })));
      },
    };
    await expect(
      syncGumroad(source, sink, { mode: "full", lookbackDays: 45, concurrency: 1, now: () => new Date() }),
    ).rejects.toThrow(/same page cursor twice/);
    expect(calls).toBe(2); // the first page, then the repeat (a sequential walk needs no planning request)
    expect(state!.run).not.toBeNull(); // the run stays resumable
  });
});

describe("a page whose commit fails (SQLITE_BUSY, disk full)", () => {
  let fake: FakeGumroad;
  let home: string;

  beforeEach(async () => {
    fake = await startFakeGumroad({ sales: 200, seed: 21, days: 200 });
    home = mkdtempSync(join(tmpdir(), "authorstack-commit-fail-"));
  });

  afterEach(async () => {
    await fake.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("is not skipped: the windowed run stops, and the resumed run ends with exactly every sale", async () => {
    const settings = gumroadSettings(
      { AUTHORSTACK_GUMROAD_API_URL: fake.url, AUTHORSTACK_HTTP_RETRY_BASE_MS: "5" },
      {
        "gumroad.requestsPerSecond": "1000",
      },
    );
    const db = openDatabase(join(home, "authorstack.db"));
    const store = new SyncStore(db, "gumroad");
    const api = new GumroadApi(settings, fake.issueToken());
    let inFlight = 0;
    const source: SalesSource = {
      async salesPage(query) {
        inFlight++;
        try {
          return await api.salesPage(query);
        } finally {
          inFlight--;
        }
      },
    };
    const sink = (failOnPage: number | null) => {
      let pages = 0;
      return {
        readState: () => store.readState<GumroadSyncState>(),
        writeState: (state: GumroadSyncState) => store.writeState(state, new Date()),
        commitPage: (
          records: SaleRecord[],
          state: (c: { new: number; updated: number; unchanged: number }) => GumroadSyncState,
        ) => {
          if (records.length > 0 && ++pages === failOnPage)
            throw new Error("SQLITE_BUSY: database is locked");
          store.commitPage(records, state, new Date());
        },
      };
    };
    const options = { mode: "default" as const, lookbackDays: 45, concurrency: 4, now: () => new Date() };
    try {
      await expect(syncGumroad(source, sink(3), options)).rejects.toThrow(/SQLITE_BUSY/);
      // every window stopped with the failure: nothing is still fetching (and committing) in the background
      expect(inFlight).toBe(0);
      expect(store.countRows()).toBeLessThan(200);

      const resumed = await syncGumroad(source, sink(null), options);
      expect(resumed.resumed).toBe(true);
      const ids = (
        db.prepare("SELECT external_id FROM sales WHERE source = 'gumroad'").all() as {
          external_id: string;
        }[]
      ).map((r) => r.external_id);
      expect(ids).toHaveLength(200);
      expect(new Set(ids)).toEqual(new Set(fake.sales.map((s) => s.id)));
    } finally {
      await api.close();
      db.close();
    }
  });
});

describe("sync gumroad on a terminal", () => {
  let fake: FakeGumroad;
  let cli: GumroadCli;

  beforeEach(async () => {
    fake = await startFakeGumroad({ sales: 300, seed: 9, faults: { latencyMs: 5 } });
  });

  afterEach(async () => {
    await fake.close();
    cli?.cleanup();
  });

  it("shows a progress line on stderr only when stderr is a TTY, and the summary line", async () => {
    cli = makeGumroadCli(gumroadEnv(fake, { GUMROAD_ACCESS_TOKEN: fake.issueToken() }));
    Object.assign(cli.deps.stderr, { isTTY: true });
    expect(await cli.run("sync", "gumroad")).toBe(0);
    expect(cli.stderr()).toContain("\r\u001b[2KGumroad: ");
    expect(cli.stderr()).toMatch(/Gumroad: \d+ pages, \d+ sales/);
    expect(cli.stderr()).toMatch(/300 sales fetched in \d+ requests — 300 new, 0 updated, 0 unchanged/);
    expect(cli.stdout()).toBe("");
    cli.reset();
    expect(await cli.run("sync", "gumroad", "--quiet")).toBe(0);
    expect(cli.stderr()).toBe("");
  });

  it("not connected on a terminal: offers to log in; declining exits 4", async () => {
    cli = makeGumroadCli(gumroadEnv(fake));
    const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
    stdin.isTTY = true;
    Object.defineProperty(cli.deps, "stdin", { value: stdin });
    const run = cli.run("sync", "gumroad");
    await new Promise((r) => setTimeout(r, 200));
    stdin.write("n\n");
    expect(await run).toBe(4);
    expect(cli.stderr()).toContain("Log in now?");
    expect(cli.stderr()).toContain("authorstack auth login gumroad");
  });
});
