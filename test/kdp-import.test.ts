import { readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { COMBINED_SALES_HEADER, FIXTURES, makeHome, type TestHome } from "./helpers/cli.js";
import { workbookBytes, zip } from "./helpers/xlsx-writer.mjs";

const SAMPLE = join(FIXTURES, "sample");
const ESTIMATOR = join(SAMPLE, "KDP_Royalties_Estimator-sample.xlsx");
const PRIOR = join(SAMPLE, "KDP_Prior_Month_Royalties-2025-09-01-sample.xlsx");
const CSV = join(SAMPLE, "combined-sales-december.csv");

const COMBINED = COMBINED_SALES_HEADER;
const KENP = [
  "Date",
  "Title",
  "Author Name",
  "ASIN",
  "Marketplace",
  "Kindle Edition Normalized Page (KENP) Read",
];

function row(month: string, units: number, royalty: number | string, title = "A Made-Up Book: Subtitle") {
  return [
    month,
    title,
    "Ann Author",
    "B0TEST0001",
    "Amazon.com",
    "70%",
    "Standard",
    units,
    0,
    units,
    2.99,
    2.99,
    0.05,
    royalty,
    "USD",
  ];
}

let t: TestHome;
beforeEach(() => {
  t = makeHome();
});
afterEach(() => t.cleanup());

function write(name: string, bytes: Buffer | string): string {
  const path = join(t.home, name);
  writeFileSync(path, bytes);
  return path;
}

async function monthReport(from = "2025-01-01", to = "2025-12-31") {
  const r = await t.run("report", "--from", from, "--to", to, "--by", "month", "--json");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

async function dbSnapshot() {
  return {
    sales: t.query("SELECT * FROM sales ORDER BY id"),
    imports: t.query("SELECT * FROM imports ORDER BY id"),
    snapshots: t.query("SELECT * FROM snapshots ORDER BY family, kind, month"),
  };
}

describe("import kdp: snapshot semantics", () => {
  it("imports the bundled sample and reports it", async () => {
    const r = await t.run("import", "kdp", ESTIMATOR, PRIOR, CSV, "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.files.map((f: { kind: string }) => f.kind)).toEqual([
      "dashboard",
      "prior-month",
      "combined-sales-sheet",
    ]);
    const report = await monthReport("2025-09-01", "2025-12-31");
    const sept = report.rows.find((x: { key: string }) => x.key === "2025-09");
    expect(sept.status).toBe("final");
    expect(sept.royalties).toEqual({ EUR: "14.04", JPY: "350", USD: "59.47" });
    expect(sept.units).toEqual({ sold: 21, free: 25, refunded: 1, net: 20 });
    const dec = report.rows.find((x: { key: string }) => x.key === "2025-12");
    expect(dec.royalties).toEqual({ EUR: "9.62", USD: "13.07" });
  });

  it("treats re-importing the same bytes as a no-op", async () => {
    expect((await t.run("import", "kdp", ESTIMATOR)).code).toBe(0);
    const before = await dbSnapshot();
    const again = await t.run("import", "kdp", ESTIMATOR, "--json");
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).files[0].status).toBe("already imported");
    expect(await dbSnapshot()).toEqual(before);
  });

  it("lets the newest snapshot of a month win, whatever the import order", async () => {
    const older = write(
      "older.xlsx",
      workbookBytes([["Combined Sales", [COMBINED, row("2025-03", 5, 10.0), row("2025-04", 1, 2.0)]]], {
        created: "2025-05-01T00:00:00Z",
      }),
    );
    const newer = write(
      "newer.xlsx",
      workbookBytes([["Combined Sales", [COMBINED, row("2025-03", 7, 14.5)]]], {
        created: "2025-05-03T00:00:00Z",
      }),
    );
    const a = makeHome();
    const b = makeHome();
    try {
      expect((await a.run("import", "kdp", older, newer)).code).toBe(0);
      const second = await b.run("import", "kdp", newer, "--json");
      expect(second.code).toBe(0);
      const skipped = await b.run("import", "kdp", older, "--json");
      expect(JSON.parse(skipped.stdout).files[0].monthsSkipped).toEqual(["2025-03"]);
      for (const home of [a, b]) {
        const rep = JSON.parse(
          (await home.run("report", "--from", "2025-03-01", "--to", "2025-04-30", "--json")).stdout,
        );
        expect(rep.rows.map((x: { key: string; royalties: object }) => [x.key, x.royalties])).toEqual([
          ["2025-03", { USD: "14.5" }],
          ["2025-04", { USD: "2" }],
        ]);
      }
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });

  it("lets final figures supersede estimates for their month in either order", async () => {
    const a = makeHome();
    const b = makeHome();
    try {
      expect((await a.run("import", "kdp", ESTIMATOR, PRIOR)).code).toBe(0);
      expect((await b.run("import", "kdp", PRIOR)).code).toBe(0);
      expect((await b.run("import", "kdp", ESTIMATOR)).code).toBe(0);
      const ra = JSON.parse(
        (await a.run("report", "--from", "2025-09-01", "--to", "2025-09-30", "--json")).stdout,
      );
      const rb = JSON.parse(
        (await b.run("report", "--from", "2025-09-01", "--to", "2025-09-30", "--json")).stdout,
      );
      expect(ra).toEqual(rb);
      expect(ra.totals.royalties).toEqual({ EUR: "14.04", JPY: "350", USD: "59.47" });
      expect(ra.rows[0].status).toBe("final");
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });

  it("keeps identical rows: they are separate orders", async () => {
    const path = write(
      "dupes.xlsx",
      workbookBytes([["Combined Sales", [COMBINED, row("2025-03", 1, 5.84), row("2025-03", 1, 5.84)]]]),
    );
    expect((await t.run("import", "kdp", path)).code).toBe(0);
    const rep = await monthReport();
    expect(rep.totals.units.sold).toBe(2);
    expect(rep.totals.royalties).toEqual({ USD: "11.68" });
  });

  it("writes nothing with --dry-run but shows what would change", async () => {
    const r = await t.run("import", "kdp", ESTIMATOR, "--dry-run", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.dryRun).toBe(true);
    expect(out.files[0].rowsStored).toBe(19);
    expect(t.query("SELECT COUNT(*) AS n FROM sales")[0]).toEqual({ n: 0 });
    expect(t.query("SELECT COUNT(*) AS n FROM imports")[0]).toEqual({ n: 0 });
  });

  it("prints a per-file summary for people", async () => {
    const r = await t.run("import", "kdp", ESTIMATOR);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("kind      dashboard (estimate), language en");
    expect(r.stdout).toContain("months    2025-09, 2025-10, 2025-11");
    expect(r.stdout).toContain("rows      19 read, 19 stored");
  });

  it("warns when the workbook's Summary disagrees with its rows", async () => {
    const summary = [
      "Date",
      "Paid Units Sold (eBook)",
      "Free Units Sold (eBook)",
      "Net Units Sold (Paperback)",
      "Net Units Sold (Hardcover)",
      "KOLL Borrows",
      "Kindle Edition Normalized Page (KENP) Read",
      "Royalty (USD)",
    ];
    const path = write(
      "summary.xlsx",
      workbookBytes([
        ["Summary", [summary, ["March 2025", 9, 0, 0, 0, "N/A", 0, 10.0]]],
        ["Combined Sales", [COMBINED, row("2025-03", 5, 10.0)]],
      ]),
    );
    const r = await t.run("import", "kdp", path, "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).files[0].warnings).toEqual([
      "Summary disagrees with the rows for 2025-03: paid eBook units 9 in Summary, 5 in rows",
    ]);
  });

  it("reads monthly KENP rows dated YYYY-MM-01 as months", async () => {
    const path = write(
      "kenp.xlsx",
      workbookBytes([
        ["Combined Sales", [COMBINED, row("2025-03", 1, 1.0)]],
        [
          "KENP Read",
          [
            KENP,
            ["2025-03-01", "A Made-Up Book", "Ann Author", "B0TEST0001", "Amazon.com", 120],
            ["2025-04-01", "A Made-Up Book", "Ann Author", "B0TEST0001", "Amazon.com", 80],
          ],
        ],
      ]),
    );
    expect((await t.run("import", "kdp", path)).code).toBe(0);
    expect(t.query("SELECT date, granularity FROM sales WHERE format = 'kenp' ORDER BY date")).toEqual([
      { date: "2025-03", granularity: "month" },
      { date: "2025-04", granularity: "month" },
    ]);
  });
});

describe("import kdp: edge cases from real use", () => {
  it("a workbook holding one sheet replaces only that sheet's kinds", async () => {
    const full = write(
      "full.xlsx",
      workbookBytes(
        [
          ["Combined Sales", [COMBINED, row("2025-03", 1, 1.0)]],
          [
            "KENP Read",
            [
              KENP,
              ["2025-03-01", "A Made-Up Book", "Ann Author", "B0TEST0001", "Amazon.com", 120],
              ["2025-04-01", "A Made-Up Book", "Ann Author", "B0TEST0001", "Amazon.com", 80],
            ],
          ],
        ],
        { created: "2025-05-01T00:00:00Z" },
      ),
    );
    const combinedOnly = write(
      "combined-only.xlsx",
      workbookBytes([["Combined Sales", [COMBINED, row("2025-03", 2, 2.5)]]], {
        created: "2025-05-02T00:00:00Z",
      }),
    );
    const kenpOnly = write(
      "kenp-only.xlsx",
      workbookBytes(
        [
          [
            "KENP Read",
            [
              KENP,
              ["2025-03-01", "A Made-Up Book", "Ann Author", "B0TEST0001", "Amazon.com", 150],
              ["2025-04-01", "A Made-Up Book", "Ann Author", "B0TEST0001", "Amazon.com", 90],
            ],
          ],
        ],
        { created: "2025-05-03T00:00:00Z" },
      ),
    );
    expect((await t.run("import", "kdp", full, combinedOnly, kenpOnly)).code).toBe(0);
    const march = (await monthReport()).rows.find((r: { key: string }) => r.key === "2025-03");
    expect(march.kenpPages).toBe(150);
    expect(march.royalties).toEqual({ USD: "2.5" });
  });

  it("keeps accented and Japanese titles intact across the reader's chunks", async () => {
    const title = "パロールと沈黙: ボディーランゲージをマスターし Kryptowährungen";
    const rows = Array.from({ length: 3000 }, (_, i) => row("2025-03", 1, 1.0, `${title} ${i}`));
    const path = write("unicode.xlsx", workbookBytes([["Combined Sales", [COMBINED, ...rows]]]));
    expect((await t.run("import", "kdp", path)).code).toBe(0);
    const broken = t.query("SELECT COUNT(*) AS n FROM sales WHERE instr(title, char(65533)) > 0");
    expect(broken).toEqual([{ n: 0 }]);
    expect(t.query("SELECT COUNT(*) AS n FROM sales WHERE title LIKE ?", `${title} %`)).toEqual([
      { n: 3000 },
    ]);
  });

  it("reads 2.000 in a semicolon CSV as two thousand, not two", async () => {
    const csv = [
      "Fecha;Título;Nombre del autor;ASIN;Tienda;Páginas KENP leídas",
      "2025-03-01;Un libro;Ana;B0TEST0001;Amazon.es;2.000",
      "2025-04-01;Un libro;Ana;B0TEST0001;Amazon.es;1.250",
    ].join("\n");
    expect((await t.run("import", "kdp", write("kenp-es.csv", `${csv}\n`))).code).toBe(0);
    expect((await monthReport()).totals.kenpPages).toBe(3250);
  });

  it("finds a book by a title fragment in any case, accents included", async () => {
    expect(
      (
        await t.run(
          "import",
          "kdp",
          write(
            "erase.xlsx",
            workbookBytes([["Combined Sales", [COMBINED, row("2025-03", 1, 1.0, "Érase una vez: Cuentos")]]]),
          ),
        )
      ).code,
    ).toBe(0);
    const r = await t.run(
      "report",
      "--from",
      "2025-01-01",
      "--to",
      "2025-12-31",
      "--book",
      "érase",
      "--json",
    );
    expect(JSON.parse(r.stdout).totals.units.sold).toBe(1);
  });

  it("says when a few days' download replaces a whole month", async () => {
    const month = write(
      "month.xlsx",
      workbookBytes([["Combined Sales", [COMBINED, row("2025-03", 9, 9.0)]]], {
        created: "2025-03-20T00:00:00Z",
      }),
    );
    const oneDay = write(
      "one-day.xlsx",
      workbookBytes([["Combined Sales", [COMBINED, row("2025-03-27", 1, 1.0)]]], {
        created: "2025-03-28T00:00:00Z",
      }),
    );
    expect((await t.run("import", "kdp", month)).code).toBe(0);
    const r = await t.run("import", "kdp", oneDay, "--json");
    expect(JSON.parse(r.stdout).files[0].warnings).toEqual([
      "2025-03: this download's daily figures (2025-03-27, 1 day with sales) replaced the whole month stored from an earlier download. If it covered only part of the month, import a download of the whole month again.",
    ]);
  });

  it("shows a progress line on a terminal, and none otherwise", async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => row("2025-03", 1, 1.0, `Book ${i}`));
    const path = write("progress.xlsx", workbookBytes([["Combined Sales", [COMBINED, ...rows]]]));
    const tty = makeHome({ tty: true });
    try {
      const r = await tty.run("import", "kdp", path);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("\r\u001b[2Kprogress.xlsx: 1,024 rows");
    } finally {
      tty.cleanup();
    }
    const piped = await t.run("import", "kdp", path);
    expect(piped.stderr).toBe("");
  });

  it("warns that KENP rows all dated the 1st of one month are ambiguous", async () => {
    const csv = `${KENP.join(",")}\n2025-03-01,A Made-Up Book,Ann Author,B0TEST0001,Amazon.com,120\n`;
    const r = await t.run("import", "kdp", write("kenp-one.csv", csv), "--json");
    expect(JSON.parse(r.stdout).files[0].warnings[0]).toMatch(/every KENP row is dated 2025-03-01/);
  });
});

describe("import kdp: bad input is refused with exit 3 and nothing written", () => {
  async function expectRefused(path: string, message: RegExp, ...extra: string[]) {
    expect((await t.run("import", "kdp", ESTIMATOR)).code).toBe(0);
    const before = await dbSnapshot();
    const r = await t.run("import", "kdp", ...extra, path);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await dbSnapshot()).toEqual(before);
  }

  it("a bad number names file, sheet, row and column", async () => {
    const path = write(
      "bad-number.xlsx",
      workbookBytes([["Combined Sales", [COMBINED, row("2025-03", 1, 1.0), row("2025-03", 1, "12,3x")]]]),
    );
    await expectRefused(
      path,
      /bad-number\.xlsx, sheet "Combined Sales", row 3, column "N \(Royalty\)": "12,3x" is not a number/,
    );
  });

  it("a bad date names its place", async () => {
    const bad = row("March", 1, 1.0);
    const path = write("bad-date.xlsx", workbookBytes([["Combined Sales", [COMBINED, bad]]]));
    await expectRefused(
      path,
      /bad-date\.xlsx, sheet "Combined Sales", row 2, column "A \(Royalty Date\)": "March" is not a date/,
    );
  });

  it("a later file's error rolls back the earlier files of the same command", async () => {
    const good = write("good.xlsx", workbookBytes([["Combined Sales", [COMBINED, row("2025-03", 1, 1.0)]]]));
    const bad = write("bad.xlsx", workbookBytes([["Combined Sales", [COMBINED, row("2025-03", 1.5, 1.0)]]]));
    await expectRefused(bad, /bad\.xlsx.*"1.5" is not a whole number/, good);
  });

  it("a spreadsheet that is not a KDP report", async () => {
    const path = write(
      "budget.xlsx",
      workbookBytes([
        [
          "Budget",
          [
            ["Item", "Cost"],
            ["Coffee", 3.5],
          ],
        ],
      ]),
    );
    await expectRefused(
      path,
      /budget\.xlsx: not a KDP report: no sheet has the columns of a KDP report \(sheets: Budget\)/,
    );
  });

  it("a workbook or CSV with only KDP sheets that hold no royalties (orders, summary)", async () => {
    const orders = ["Date", "Title", "Author Name", "ASIN", "Marketplace", "Paid Units", "Free Units"];
    const path = write(
      "orders.xlsx",
      workbookBytes([
        ["Orders Processed", [orders, ["2025-03", "A Book", "Ann", "B0TEST0001", "Amazon.com", 1, 0]]],
      ]),
    );
    await expectRefused(
      path,
      /orders\.xlsx: this file holds only KDP's orders sheet, with no royalties or KENP pages to import/,
    );
    const csv = write("orders.csv", `${orders.join(",")}\n2025-03,A Book,Ann,B0TEST0001,Amazon.com,1,0\n`);
    await expectRefused(csv, /orders\.csv: this file holds only KDP's orders sheet/);
  });

  it("a CSV that is not a KDP report", async () => {
    await expectRefused(write("notes.csv", "name,age\nann,3\n"), /notes\.csv: not a KDP report/);
  });

  it("a legacy .xls file", async () => {
    const ole = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(512),
    ]);
    await expectRefused(
      write("kdp-report-5-2011.xls", ole),
      /kdp-report-5-2011\.xls: this is an old Excel \.xls file/,
    );
  });

  it("a truncated XLSX", async () => {
    const bytes = readFileSync(ESTIMATOR);
    await expectRefused(
      write("truncated.xlsx", bytes.subarray(0, Math.floor(bytes.length / 2))),
      /truncated\.xlsx: not a readable XLSX/,
    );
  });

  it("a zip bomb", async () => {
    const huge = Buffer.alloc(64 * 1024 * 1024, 0x20);
    const bomb = zip([
      ["xl/workbook.xml", "<workbook/>"],
      ["xl/worksheets/sheet1.xml", huge],
    ]);
    await expectRefused(write("bomb.xlsx", bomb), /bomb\.xlsx: .*ZIP bomb/);
  });

  it("an entry that inflates beyond its declared size", async () => {
    const lying = zip(
      [
        ["xl/workbook.xml", `<workbook><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`],
        [
          "xl/_rels/workbook.xml.rels",
          `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`,
        ],
        [
          "xl/worksheets/sheet1.xml",
          `<worksheet><sheetData>${'<row r="1"><c r="A1" t="inlineStr"><is><t>Royalty Date</t></is></c></row>'.repeat(2000)}</sheetData></worksheet>`,
        ],
      ],
      { declaredSizes: { "xl/worksheets/sheet1.xml": 100 } },
    );
    await expectRefused(write("lying.xlsx", lying), /lying\.xlsx: /);
  });

  it("an empty file and a missing file", async () => {
    await expectRefused(write("empty.csv", ""), /empty\.csv: the file is empty/);
    const r = await t.run("import", "kdp", join(t.home, "nope.xlsx"));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("nope.xlsx: no such file");
  });
});

describe("exit codes and usage", () => {
  it("usage errors exit 2", async () => {
    expect((await t.run("report", "--from", "2025-13-01")).code).toBe(2);
    expect((await t.run("report", "--by", "planet")).code).toBe(2);
    expect((await t.run("report", "--last", "forever")).code).toBe(2);
    expect((await t.run("import", "kdp")).code).toBe(2);
    expect((await t.run("frobnicate")).code).toBe(2);
    expect((await t.run("report", "--nope")).code).toBe(2);
    const bare = await t.run();
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("Usage: authorstack");
    expect((await t.run("auth")).code).toBe(2);
    expect((await t.run("help")).code).toBe(0);
    expect((await t.run("help", "auth")).code).toBe(0);
  });

  it("--help and --version exit 0", async () => {
    const help = await t.run("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("import");
    const version = await t.run("--version");
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("refuses a database written by a newer version, leaving it untouched", async () => {
    expect((await t.run("import", "kdp", ESTIMATOR)).code).toBe(0);
    const Database = (await import("better-sqlite3")).default;
    const db = new Database(join(t.home, "authorstack.db"));
    db.pragma("user_version = 999");
    db.close();
    const before = readFileSync(join(t.home, "authorstack.db"));
    const r = await t.run("report", "--json");
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("written by a newer AuthorStack");
    expect(readFileSync(join(t.home, "authorstack.db")).equals(before)).toBe(true);
  });

  it("uses the file's modification time when a CSV carries no creation time", async () => {
    const older = join(t.home, "a.csv");
    const newer = join(t.home, "b.csv");
    writeFileSync(older, `${COMBINED.join(",")}\n${row("2025-03", 1, 1.0).join(",")}\n`);
    writeFileSync(newer, `${COMBINED.join(",")}\n${row("2025-03", 2, 2.0).join(",")}\n`);
    utimesSync(older, new Date("2025-04-01"), new Date("2025-04-01"));
    utimesSync(newer, new Date("2025-04-02"), new Date("2025-04-02"));
    expect((await t.run("import", "kdp", newer, older)).code).toBe(0);
    expect((await monthReport()).totals.royalties).toEqual({ USD: "2" });
  });
});
