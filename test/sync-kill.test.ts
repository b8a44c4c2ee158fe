/**
 * Kill-and-resume, end to end: the built CLI (`node bin/authorstack.js`, after `npm run build`) is
 * SIGKILLed in the middle of a Gumroad sync, several times at different moments, then run to the
 * end: the database holds exactly the fake's sales, once each, with the fake's totals, and the
 * resumed runs did not start over.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGumroad, startFakeGumroad } from "./fakes/gumroad.js";
import { type GumroadCli, gumroadEnv, makeGumroadCli, storedTotals } from "./gumroad-helpers.js";

const BIN = fileURLToPath(new URL("../bin/authorstack.js", import.meta.url));
const BUILT = fileURLToPath(new URL("../dist/sources/gumroad/sync.js", import.meta.url));

function runCli(
  cli: GumroadCli,
  args: string[],
): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string }> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: cli.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", () => {});
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, stdout })),
  );
  return { child, done };
}

interface StoredSale {
  external_id: string;
  date: string;
  product_id: string | null;
  units_sold: number;
  units_free: number;
  units_refunded: number;
  royalty_micros: number;
}

function storedSales(home: string): StoredSale[] {
  const db = new Database(join(home, "authorstack.db"), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT external_id, date, product_id, units_sold, units_free, units_refunded, royalty_micros
         FROM sales WHERE source = 'gumroad'`,
      )
      .all() as StoredSale[];
  } finally {
    db.close();
  }
}

describe("sync gumroad killed with SIGKILL resumes with exactly the right rows", () => {
  let fake: FakeGumroad;
  let cli: GumroadCli;

  beforeAll(async () => {
    if (!existsSync(BUILT)) throw new Error("dist/ is missing: run `npm run build` before this test");
    fake = await startFakeGumroad({ sales: 1500, seed: 5, faults: { latencyMs: 10 } });
    cli = makeGumroadCli(gumroadEnv(fake, { GUMROAD_ACCESS_TOKEN: fake.issueToken() }));
  });

  afterAll(async () => {
    await fake.close();
    cli.cleanup();
  });

  it("three kills at different moments, then a run to the end", async () => {
    const fullRunPages = Math.ceil(1500 / 10);
    const byId = new Map(fake.sales.map((s) => [s.id, s]));
    const killAfter = [1, 9, 40]; // sales requests seen by the fake in that run
    for (const [round, limit] of killAfter.entries()) {
      let seen = 0;
      const { child, done } = runCli(cli, [
        "sync",
        "gumroad",
        "--json",
        "--concurrency",
        round === 1 ? "1" : "4",
      ]);
      fake.onRequest = (entry) => {
        if (entry.path === "/v2/sales" && ++seen === limit) child.kill("SIGKILL");
      };
      const exit = await done;
      fake.onRequest = null;
      expect(exit.signal, `round ${round} exited ${exit.code}: ${exit.stdout}`).toBe("SIGKILL");
      // The killed run stored a strict subset of the sales, each row exactly the fake's sale.
      const partial = storedSales(cli.home);
      expect(partial.length).toBeLessThan(1500);
      if (round > 0) expect(partial.length).toBeGreaterThan(0);
      for (const row of partial) {
        const sale = byId.get(row.external_id);
        expect(sale, `stored ${row.external_id}, which the fake never sold`).toBeDefined();
        const e = fake.expectedSale(sale!);
        expect(row, row.external_id).toEqual({
          external_id: sale!.id,
          date: e.date,
          product_id: e.productId,
          units_sold: e.sold,
          units_free: e.free,
          units_refunded: e.refunded,
          royalty_micros: e.royaltyCents * 10_000,
        });
      }
    }
    const before = fake.apiRequests.length;
    const last = runCli(cli, ["sync", "gumroad", "--json"]);
    const exit = await last.done;
    expect(exit.code).toBe(0);
    const summary = JSON.parse(exit.stdout) as { resumed: boolean; stored: number; requests: number };
    expect(summary.resumed).toBe(true);
    expect(summary.stored).toBe(1500);
    // the last run continued where the killed ones stopped
    expect(fake.apiRequests.length - before).toBeLessThan(fullRunPages);

    const stored = storedTotals(cli.home);
    const expected = fake.expected();
    expect(stored.rows).toBe(1500);
    expect(stored.distinct).toBe(1500);
    expect({ sold: stored.sold, free: stored.free, refunded: stored.refunded }).toEqual({
      sold: expected.units.sold,
      free: expected.units.free,
      refunded: expected.units.refunded,
    });
    expect(stored.royaltyMicros).toBe(expected.royaltyCents * 10_000);

    // and the next sync is an ordinary incremental one
    const next = await runCli(cli, ["sync", "gumroad", "--json"]).done;
    expect(next.code).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({
      mode: "incremental",
      resumed: false,
      new: 0,
      updated: 0,
    });
  });
});
