import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type EcbDay, ecbDailyCsv, ecbHistCsv, FakeEcb } from "./fakes/rates.js";
import { FIXTURES, makeHome, type TestHome } from "./helpers/cli.js";

const MONTH_RATES: Record<string, Record<string, string>> = {
  "2025-09": { USD: "1.1000", GBP: "0.8500", JPY: "160.00" },
  "2025-10": { USD: "1.2000", GBP: "0.8000", JPY: "150.00" },
  "2025-11": { USD: "1.2500", GBP: "0.9000", JPY: "170.00" },
  "2025-12": { USD: "1.0000", GBP: "0.8000", JPY: "150.00" },
};

function weekdays(from: string, to: string): EcbDay[] {
  const days: EcbDay[] = [];
  for (
    let d = new Date(`${from}T00:00:00Z`);
    d <= new Date(`${to}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
    const date = d.toISOString().slice(0, 10);
    days.push({ date, rates: MONTH_RATES[date.slice(0, 7)]! });
  }
  return days;
}

const SAMPLE = join(FIXTURES, "sample");
const ALL_DAYS = weekdays("2025-09-01", "2025-12-31");
let ecb: FakeEcb;
let t: TestHome;

beforeAll(async () => {
  ecb = await FakeEcb.start({ days: ALL_DAYS });
});
afterAll(() => ecb.close());
afterEach(() => t?.cleanup());

async function homeWithSample(extraEnv: Record<string, string> = {}) {
  t = makeHome({
    env: {
      AUTHORSTACK_RATES_URL: `${ecb.url}/stats/eurofxref/eurofxref-hist.zip`,
      AUTHORSTACK_HTTP_RETRY_BASE_MS: "1",
      ...extraEnv,
    },
    now: "2026-01-10T12:00:00Z",
  });
  const r = await t.run(
    "import",
    "kdp",
    ...[
      "KDP_Royalties_Estimator-sample.xlsx",
      "KDP_Prior_Month_Royalties-2025-09-01-sample.xlsx",
      "combined-sales-december.csv",
    ].map((f) => join(SAMPLE, f)),
  );
  expect(r.code, r.stderr).toBe(0);
  return t;
}

async function converted(currency: string) {
  const r = await t.run(
    "report",
    "--from",
    "2025-09-01",
    "--to",
    "2025-12-31",
    "--by",
    "month",
    "--currency",
    currency,
    "--json",
  );
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe("rates and report --currency", () => {
  it("downloads the ECB rates and converts every month exactly, labelled as estimates", async () => {
    await homeWithSample();
    const update = await t.run("rates", "update", "--json");
    expect(update.code, update.stderr).toBe(0);
    expect(JSON.parse(update.stdout)).toMatchObject({
      first: "2025-09-01",
      last: "2025-12-31",
      currencies: 3,
    });

    const rep = await converted("EUR");
    expect(rep.currency).toBe("EUR");
    const byKey = Object.fromEntries(
      rep.rows.map((r: { key: string; converted: { amount: string } }) => [r.key, r.converted]),
    );
    // September: EUR 14.04 + JPY 350 / 160 + USD (41.35 + 6.44 + 11.68) / 1.1, each slice rounded to micro-units.
    expect(byKey["2025-09"]).toMatchObject({ currency: "EUR", amount: "70.29" });
    expect(byKey["2025-12"].amount).toBe("22.69");
    expect(rep.totals.converted.rates).toContain("ECB euro reference rates");
    expect(rep.warnings[0]).toMatch(/Amounts in EUR are estimates/);
    // The original per-currency figures are untouched.
    expect(rep.rows[0].royalties).toEqual({ EUR: "14.04", JPY: "350", USD: "59.47" });

    const usd = await converted("usd");
    const oct = usd.rows.find((r: { key: string }) => r.key === "2025-10");
    // EUR (5.20 − 3.21) × 1.2 + GBP 1.87 × 1.2 / 0.8 + USD 31.85
    expect(oct.converted.amount).toBe("37.04");
  });

  it("prefers Amazon's own rate from KDP Payments for a month it paid", async () => {
    await homeWithSample();
    expect((await t.run("rates", "update")).code).toBe(0);
    expect((await t.run("import", "kdp", join(FIXTURES, "kdp", "payments-en.xlsx"))).code).toBe(0);
    const rep = await converted("EUR");
    // JPY 350 × 0.0058 (Amazon's rate for September) instead of 350 / 160.
    expect(rep.rows[0].converted.amount).toBe("70.13");
    expect(rep.rows[0].converted.rates).toContain("KDP Payments");
    const list = JSON.parse((await t.run("rates", "list", "--json")).stdout);
    expect(list.sources.find((s: { source: string }) => s.source === "kdp-payments")).toMatchObject({
      first: "2025-09",
      currencies: ["JPY→EUR"],
    });
  });

  it("says which rates are missing instead of guessing", async () => {
    await homeWithSample();
    const rep = await converted("CAD");
    expect(rep.totals.converted).toBeNull();
    expect(rep.warnings.join(" ")).toMatch(/No CAD rate for .*authorstack rates update/);
    // Rates that stop in October are too old for December.
    const csv = join(t.home, "oct.csv");
    writeFileSync(csv, ecbHistCsv(weekdays("2025-09-01", "2025-10-31")));
    expect((await t.run("rates", "import", csv)).code).toBe(0);
    const partial = await converted("EUR");
    const rows = Object.fromEntries(
      partial.rows.map((r: { key: string; converted: unknown }) => [r.key, r.converted]),
    );
    expect(rows["2025-09"]).not.toBeNull();
    expect(rows["2025-12"]).toBeNull();
    expect(partial.warnings.join(" ")).toMatch(
      /No EUR rate for GBP in 2025-11, USD in 2025-11, USD in 2025-12:/,
    );
  });

  it("shows the converted column in the table and CSV", async () => {
    await homeWithSample();
    expect((await t.run("rates", "update")).code).toBe(0);
    const table = await t.run("report", "--from", "2025-12-01", "--to", "2025-12-31", "--currency", "EUR");
    expect(table.stdout).toMatch(/≈ EUR/);
    expect(table.stdout).toMatch(/December 2025 .*22\.69/);
    const csv = await t.run(
      "report",
      "--from",
      "2025-12-01",
      "--to",
      "2025-12-31",
      "--currency",
      "EUR",
      "--csv",
    );
    expect(csv.stdout.split("\n")[0]).toMatch(/,converted_EUR,status$/);
    expect(csv.stdout).toContain(",22.69,estimate");
  });

  it("imports the ECB's daily file and refuses a file that is not ECB rates", async () => {
    await homeWithSample();
    const daily = join(t.home, "eurofxref.csv");
    writeFileSync(daily, ecbDailyCsv({ date: "2025-12-31", rates: { USD: "1.0000", GBP: "0.8000" } }));
    const ok = await t.run("rates", "import", daily, "--json");
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ first: "2025-12-31", rates: 2 });
    const bad = join(t.home, "bad.csv");
    writeFileSync(bad, "Day,USD\n2025-01-01,1.1\n");
    const refused = await t.run("rates", "import", bad);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("not an ECB reference-rate file");
    expect((await t.run("report", "--currency", "EURO")).code).toBe(2);
  });

  it("retries a flaky ECB server and fails clearly when it is unreachable", async () => {
    const flaky = await FakeEcb.start({ days: ALL_DAYS, failFirst: 2 });
    const down = await FakeEcb.start({ days: ALL_DAYS, dropConnections: true });
    try {
      await homeWithSample({ AUTHORSTACK_RATES_URL: `${flaky.url}/stats/eurofxref/eurofxref-hist.zip` });
      const r = await t.run("rates", "update");
      expect(r.code, r.stderr).toBe(0);
      expect(flaky.requests).toHaveLength(3);
      t.cleanup();
      await homeWithSample({ AUTHORSTACK_RATES_URL: `${down.url}/stats/eurofxref/eurofxref-hist.zip` });
      const failed = await t.run("rates", "update");
      expect(failed.code).toBe(5);
      expect(failed.stderr).toMatch(/ECB exchange-rate service could not be reached/);
      expect(failed.stderr).toContain("rates import <file>");
    } finally {
      await flaky.close();
      await down.close();
    }
  });
});
