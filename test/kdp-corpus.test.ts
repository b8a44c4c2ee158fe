/**
 * The real KDP workbooks in ../shared/corpus/kdp (downloaded by one author, August 2025). They are
 * read in place, never copied into the project; without the folder these tests are skipped loudly.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeHome, type TestHome } from "./helpers/cli.js";

const CORPUS = resolve(import.meta.dirname, "..", "..", "shared", "corpus", "kdp");
const present = existsSync(CORPUS);
if (!present) {
  console.warn(`\n!!! ${CORPUS} is absent: the real-corpus KDP tests are SKIPPED.\n`);
}
const files = present
  ? readdirSync(CORPUS)
      .filter((f) => f.endsWith(".xlsx"))
      .sort()
      .map((f) => join(CORPUS, f))
  : [];
const named = (part: string) => files.filter((f) => f.includes(part));

const homes: TestHome[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) h.cleanup();
});

async function importAll(order: string[]): Promise<TestHome> {
  const t = makeHome();
  homes.push(t);
  const r = await t.run("import", "kdp", ...order);
  expect(r.code, r.stderr).toBe(0);
  return t;
}

async function monthly(t: TestHome) {
  const r = await t.run("report", "--from", "2023-08-01", "--to", "2025-08-31", "--by", "month", "--json");
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe.skipIf(!present)("the real KDP corpus", () => {
  it("matches the files to the cent (acceptance figures)", async () => {
    const report = await monthly(await importAll(files));
    const byKey = Object.fromEntries(report.rows.map((r: { key: string }) => [r.key, r]));
    expect(byKey["2025-01"].status).toBe("final");
    expect(byKey["2025-01"].royalties).toEqual({
      BRL: "0.03",
      CAD: "29.62",
      EUR: "428.18",
      GBP: "4.37",
      JPY: "99.44",
      USD: "34.08",
    });
    expect(byKey["2025-01"].kenpPages).toBe(460);
    expect(byKey["2025-01"].units.sold).toBe(64);
    expect(byKey["2025-07"].status).toBe("estimate");
    expect(byKey["2025-07"].royalties).toEqual({ EUR: "62.03", JPY: "506", USD: "8.05" });
    expect(byKey["2025-07"].kenpPages).toBe(1385);
    expect(byKey["2025-07"].units.sold).toBe(11);
    expect(byKey["2025-05"].units.sold).toBe(37);
    expect(byKey["2025-05"].units.refunded).toBe(1);
  });

  it("gives the same figures in any import order, and importing twice changes nothing", async () => {
    const forward = await monthly(await importAll(files));
    const reversed = await importAll([...files].reverse());
    expect(await monthly(reversed)).toEqual(forward);
    const rotated = [...files.slice(3), ...files.slice(0, 3)];
    const t = await importAll(rotated);
    const before = t.query("SELECT COUNT(*) AS n, SUM(royalty_micros) AS s FROM sales");
    const again = await t.run("import", "kdp", ...files, "--json");
    expect(again.code).toBe(0);
    expect(
      JSON.parse(again.stdout).files.every((f: { status: string }) => f.status === "already imported"),
    ).toBe(true);
    expect(t.query("SELECT COUNT(*) AS n, SUM(royalty_micros) AS s FROM sales")).toEqual(before);
    expect(await monthly(t)).toEqual(forward);
  });

  it("takes the newer Royalties Estimator snapshot whichever comes first", async () => {
    const estimators = named("Royalties_Estimator");
    expect(estimators).toHaveLength(2);
    const newerOnly = await monthly(await importAll([estimators.find((f) => f.includes("220b6953"))!]));
    expect(await monthly(await importAll(estimators))).toEqual(newerOnly);
    expect(await monthly(await importAll([...estimators].reverse()))).toEqual(newerOnly);
  });

  it("reads the Payments report with exact payment numbers", async () => {
    const t = await importAll(named("Payments"));
    const numbers = t.query<{ payment_number: string }>(
      "SELECT DISTINCT payment_number FROM payments WHERE payment_number IS NOT NULL",
    );
    expect(numbers.length).toBeGreaterThan(10);
    for (const { payment_number } of numbers) expect(payment_number).toMatch(/^\d+$/);
  });
});
