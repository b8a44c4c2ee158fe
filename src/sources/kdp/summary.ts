import type { HeaderMatch } from "./headers.js";
import { cellInteger, cellMicros, cellText, type NumberStyle, parseMonthLabel } from "./values.js";
import type { SheetRow } from "./xlsx.js";

/**
 * The dashboard workbook's own Summary sheet (one row per month) is checked against the detail rows
 * we imported: a disagreement is reported as a warning, because it usually means a truncated or
 * hand-edited file.
 */
export interface SummaryTotals {
  paidEbook: number;
  freeEbook: number;
  paperback: number;
  hardcover: number;
  kenp: number;
  royalties: Map<string, number>;
}

export interface SummaryMonth extends SummaryTotals {
  month: string;
}

export function summaryFromRow(h: HeaderMatch, row: SheetRow, style: NumberStyle): SummaryMonth | null {
  const dateColumn = h.index.date;
  if (dateColumn === undefined) return null;
  const label = cellText(row.cells[dateColumn]);
  const month = label ? parseMonthLabel(label) : null;
  if (!month) return null;
  const int = (field: keyof HeaderMatch["index"]) => {
    const column = h.index[field];
    return column === undefined
      ? 0
      : (cellInteger(row.cells[column], row.numeric?.[column] === true, style) ?? 0);
  };
  const royalties = new Map<string, number>();
  for (const [column, currency] of h.royaltyCurrencies) {
    const value = cellMicros(row.cells[column], row.numeric?.[column] === true, style);
    if (typeof value === "number" && value !== 0) royalties.set(currency, value);
  }
  return {
    month: month.date,
    paidEbook: int("summary_paid_ebook"),
    freeEbook: int("summary_free_ebook"),
    paperback: int("summary_paperback"),
    hardcover: int("summary_hardcover"),
    kenp: int("kenp_pages"),
    royalties,
  };
}

export function checkSummary(summary: SummaryMonth[], detail: Map<string, SummaryTotals>): string[] {
  const warnings: string[] = [];
  for (const s of summary) {
    const d = detail.get(s.month);
    // The Summary can span more months than the detail sheets (KDP's own behaviour): only compare
    // months the detail rows cover.
    if (!d) continue;
    const differences: string[] = [];
    const compare = (what: string, expected: number, actual: number) => {
      if (expected !== actual) differences.push(`${what} ${expected} in Summary, ${actual} in rows`);
    };
    compare("paid eBook units", s.paidEbook, d.paidEbook);
    compare("paperback units", s.paperback, d.paperback);
    compare("hardcover units", s.hardcover, d.hardcover);
    compare("KENP pages", s.kenp, d.kenp);
    // Royalties are not compared: the Summary's royalty columns include estimated KENP earnings,
    // which the dashboard's KENP sheet does not carry per row.
    if (differences.length > 0)
      warnings.push(`Summary disagrees with the rows for ${s.month}: ${differences.join("; ")}`);
  }
  return warnings;
}
