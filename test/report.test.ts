import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolvePeriod } from "../src/report/period.js";
import { COMBINED_SALES_HEADER, FIXTURES, makeHome, type TestHome } from "./helpers/cli.js";
import { workbookBytes } from "./helpers/xlsx-writer.mjs";

const SAMPLE = join(FIXTURES, "sample");
let t: TestHome;

beforeAll(async () => {
  t = makeHome({ now: "2025-12-15T12:00:00Z" });
  const daily = join(t.home, "daily.xlsx");
  const header = COMBINED_SALES_HEADER;
  writeFileSync(
    daily,
    workbookBytes(
      [
        [
          "Combined Sales",
          [
            header,
            [
              "2025-12-01",
              "Winter Poems: Collected",
              "Ann Author",
              "B0WINTER01",
              "Amazon.com",
              "70%",
              "Standard",
              2,
              0,
              2,
              2.99,
              2.99,
              0.05,
              4.1,
              "USD",
            ],
            [
              "2025-12-09",
              "Winter Poems",
              "Ann Author",
              "B0WINTER01",
              "Amazon.com",
              "70%",
              "Standard",
              1,
              0,
              1,
              2.99,
              2.99,
              0.05,
              2.05,
              "USD",
            ],
          ],
        ],
      ],
      { created: "2025-12-10T00:00:00Z" },
    ),
  );
  const r = await t.run(
    "import",
    "kdp",
    join(SAMPLE, "KDP_Royalties_Estimator-sample.xlsx"),
    join(SAMPLE, "KDP_Prior_Month_Royalties-2025-09-01-sample.xlsx"),
    daily,
  );
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => t.cleanup());

async function json(...args: string[]) {
  const r = await t.run("report", ...args, "--json");
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe("report", () => {
  it("defaults to the last 30 days ending today, by month", async () => {
    const rep = await json();
    expect(rep.period).toEqual({ from: "2025-11-16", to: "2025-12-15" });
    expect(rep.groupBy).toBe("month");
    expect(rep.rows.map((r: { key: string }) => r.key)).toEqual(["2025-11", "2025-12"]);
    expect(rep.warnings[0]).toMatch(/2025-11 are known only by month/);
  });

  it("resolves --last periods", () => {
    const now = new Date("2025-03-31T10:00:00Z");
    expect(resolvePeriod({ last: "7d" }, now)).toEqual({ from: "2025-03-25", to: "2025-03-31" });
    expect(resolvePeriod({ last: "12w" }, now)).toEqual({ from: "2025-01-07", to: "2025-03-31" });
    expect(resolvePeriod({ last: "6m" }, now)).toEqual({ from: "2024-10-01", to: "2025-03-31" });
    expect(resolvePeriod({ last: "1y" }, now)).toEqual({ from: "2024-04-01", to: "2025-03-31" });
    expect(resolvePeriod({ last: "mtd" }, now)).toEqual({ from: "2025-03-01", to: "2025-03-31" });
    expect(resolvePeriod({ last: "ytd" }, now)).toEqual({ from: "2025-01-01", to: "2025-03-31" });
  });

  it("shows monthly KDP rows under their month when grouping by day or week, and says so", async () => {
    const rep = await json("--from", "2025-11-01", "--to", "2025-12-31", "--by", "day");
    expect(rep.rows.map((r: { key: string }) => r.key)).toEqual(["2025-11", "2025-12-01", "2025-12-09"]);
    expect(rep.warnings.join(" ")).toMatch(/2025-11 cannot be split into days/);
    const weeks = await json("--from", "2025-12-01", "--to", "2025-12-31", "--by", "week");
    expect(weeks.rows.map((r: { key: string }) => r.key)).toEqual(["2025-W49", "2025-W50"]);
  });

  it("groups a book's formats and changing titles under its main title", async () => {
    const rep = await json("--from", "2025-09-01", "--to", "2025-12-31", "--by", "book");
    const labels = rep.rows.map((r: { label: string }) => r.label);
    expect(labels).toContain("The Lighthouse Keeper's Daughter");
    expect(labels).toContain("Winter Poems");
    const winter = rep.rows.find((r: { label: string }) => r.label === "Winter Poems");
    expect(winter.units.sold).toBe(3);
    expect(winter.royalties).toEqual({ USD: "6.15" });
  });

  it("groups by product under the latest title, by format, marketplace, currency and source", async () => {
    const products = await json("--from", "2025-12-01", "--to", "2025-12-31", "--by", "product");
    expect(products.rows).toHaveLength(1);
    expect(products.rows[0].label).toBe("Winter Poems");
    const formats = await json("--from", "2025-09-01", "--to", "2025-11-30", "--by", "format");
    expect(formats.rows.map((r: { key: string }) => r.key)).toEqual([
      "ebook",
      "hardcover",
      "kenp",
      "paperback",
    ]);
    const currencies = await json("--from", "2025-09-01", "--to", "2025-11-30", "--by", "currency");
    expect(currencies.rows.map((r: { key: string }) => r.key)).toEqual(["EUR", "GBP", "JPY", "USD"]);
    const sources = await json("--from", "2025-09-01", "--to", "2025-11-30", "--by", "source");
    expect(sources.rows.map((r: { key: string }) => r.key)).toEqual(["kdp"]);
    expect((await json("--source", "gumroad", "--from", "2025-09-01", "--to", "2025-11-30")).rows).toEqual(
      [],
    );
  });

  it("gives rows that are not periods a monthly trend of net units, shown as a sparkline", async () => {
    const rep = await json("--from", "2025-09-01", "--to", "2025-12-31", "--by", "book");
    const winter = rep.rows.find((r: { label: string }) => r.label === "Winter Poems");
    expect(winter.trend).toEqual({
      by: "month",
      months: ["2025-09", "2025-10", "2025-11", "2025-12"],
      netUnits: [0, 0, 0, 3],
    });
    expect(
      (await json("--from", "2025-09-01", "--to", "2025-12-31", "--by", "month")).rows[0].trend,
    ).toBeUndefined();
    const table = await t.run("report", "--from", "2025-09-01", "--to", "2025-12-31", "--by", "book");
    expect(table.stdout).toMatch(/Trend/);
    expect(table.stdout).toMatch(/Winter Poems .*▁▁▁█/);
  });

  it("filters by --book id or title fragment", async () => {
    const byId = await json("--from", "2025-09-01", "--to", "2025-12-31", "--book", "B0WINTER01");
    expect(byId.totals.royalties).toEqual({ USD: "6.15" });
    const byTitle = await json("--from", "2025-09-01", "--to", "2025-12-31", "--book", "winter");
    expect(byTitle.totals).toEqual(byId.totals);
  });

  it("sums exactly and reports a status per row", async () => {
    const rep = await json("--from", "2025-09-01", "--to", "2025-11-30", "--by", "year");
    expect(rep.rows[0].status).toBe("mixed");
    expect(rep.totals.royalties).toEqual({ EUR: "16.03", GBP: "6.21", JPY: "350", USD: "125.12" });
  });

  it("prints CSV and a table with a totals row", async () => {
    const csv = await t.run("report", "--from", "2025-09-01", "--to", "2025-09-30", "--csv");
    expect(csv.stdout.split("\n")[0]).toBe(
      "key,label,units_sold,units_free,units_refunded,units_net,kenp_pages,royalty_EUR,royalty_JPY,royalty_USD,status",
    );
    expect(csv.stdout).toContain("2025-09,September 2025,21,25,1,20,1844,14.04,350,59.47,final");
    const table = await t.run("report", "--from", "2025-09-01", "--to", "2025-09-30");
    expect(table.stdout).toMatch(/September 2025 .*59\.47/);
    expect(table.stdout).toMatch(/Total .*59\.47/);
  });

  it("works on an empty home, saying what to do", async () => {
    const empty = makeHome();
    try {
      const r = await empty.run("report", "--json");
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).warnings[0]).toMatch(/authorstack import kdp/);
    } finally {
      empty.cleanup();
    }
  });
});
