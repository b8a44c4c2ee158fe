/**
 * Golden files for the KDP importers: each input in fixtures/kdp sits beside <name>.expected.json,
 * the normalized records (and payments) the adapter produces. UPDATE_GOLDEN=1 rewrites them after a
 * deliberate change; review the diff.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SaleRecord } from "../src/model.js";
import { csvSheet, sniffCsv } from "../src/sources/kdp/csv.js";
import { type KdpFile, type PaymentRow, parseKdpFile } from "../src/sources/kdp/parse.js";
import { XlsxWorkbook } from "../src/sources/kdp/xlsx.js";
import { FIXTURES } from "./helpers/cli.js";

const DIR = join(FIXTURES, "kdp");

async function parseFixture(path: string) {
  const records: SaleRecord[] = [];
  const payments: PaymentRow[] = [];
  const months: string[] = [];
  let input: KdpFile;
  let workbook: XlsxWorkbook | null = null;
  if (path.endsWith(".xlsx")) {
    workbook = await XlsxWorkbook.open(path);
    const wb = workbook;
    input = {
      file: path,
      container: "xlsx",
      numberStyle: "point",
      sheets: wb.sheets.map((s) => ({ name: s.name, rowBatches: () => wb.rowBatches(s) })),
    };
  } else {
    const sniff = await sniffCsv(path);
    input = { file: path, container: "csv", numberStyle: sniff.numberStyle, sheets: [csvSheet(path, sniff)] };
  }
  try {
    const result = await parseKdpFile(input, {
      start() {},
      month: (m) => months.push(m),
      sale: (r) => records.push(r),
      payment: (p) => payments.push(p),
    });
    return { result: { ...result, file: undefined }, months, records, payments };
  } finally {
    workbook?.close();
  }
}

const inputs = readdirSync(DIR).filter((f) => !f.endsWith(".json") && statSync(join(DIR, f)).isFile());

describe("KDP importer golden files", () => {
  it("has fixtures for every format and language", () => {
    expect(inputs.length).toBeGreaterThanOrEqual(7);
  });

  for (const name of inputs) {
    it(`parses ${name} as recorded in ${name}.expected.json`, async () => {
      const actual = JSON.parse(JSON.stringify(await parseFixture(join(DIR, name))));
      const goldenPath = join(DIR, `${name}.expected.json`);
      if (process.env.UPDATE_GOLDEN || !existsSync(goldenPath)) {
        writeFileSync(goldenPath, `${JSON.stringify(actual, null, 2)}\n`);
      }
      expect(actual).toEqual(JSON.parse(readFileSync(goldenPath, "utf8")));
    });
  }
});
