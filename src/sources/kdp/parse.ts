import { inputError } from "../../errors.js";
import type { FigureStatus, Format, SaleRecord } from "../../model.js";
import { type Language, matchHeader, type SheetRole, sheetRole } from "./headers.js";
import { type LocatedHeader, paymentFromRow, printHint, type RowContext, recordFromRow } from "./rows.js";
import { checkSummary, type SummaryMonth, type SummaryTotals, summaryFromRow } from "./summary.js";
import { type NumberStyle, parseMonthLabel } from "./values.js";
import type { SheetRow } from "./xlsx.js";

/**
 * Turns the sheets of one KDP report file into normalized sale records (and payment rows), streaming.
 * It decides what the file is from its header signatures (never from file or sheet names), and
 * tells the sink which months the file is a snapshot of. No SQL and no printing here.
 */

export interface KdpSheet {
  /** Sheet name in a workbook; null for a CSV file. */
  name: string | null;
  /** A fresh iterator over the sheet's rows, in batches, each time it is called. */
  rowBatches(): AsyncIterable<SheetRow[]>;
}

export interface KdpFile {
  file: string;
  container: "xlsx" | "csv";
  sheets: KdpSheet[];
  numberStyle: NumberStyle;
}

export type ReportKind =
  | "dashboard"
  | "prior-month"
  | "payments"
  | "combined-sales-sheet"
  | "ebook-royalty-sheet"
  | "print-royalty-sheet"
  | "kenp-sheet"
  | "total-earnings-sheet"
  | "payments-sheet";

export type Family = FigureStatus | "payments";

export interface PaymentRow {
  month: string;
  periodStart: string | null;
  periodEnd: string | null;
  marketplace: string | null;
  paymentNumber: string | null;
  paymentDate: string | null;
  paymentMethod: string | null;
  detail: string | null;
  source: string | null;
  currency: string | null;
  accruedMicros: number | null;
  taxWithholdingMicros: number | null;
  adjustmentsMicros: number | null;
  netEarningsMicros: number | null;
  fxRate: string | null;
  payoutCurrency: string | null;
  payoutMicros: number | null;
  status: string | null;
  rowNumber: number;
}

export interface KdpFileMeta {
  reportKind: ReportKind;
  family: Family;
  language: Language | null;
  /** Row kinds the whole file is a snapshot of (per month it covers). */
  heldKinds: Format[];
}

export interface KdpSink {
  start(meta: KdpFileMeta): void;
  /** The file covers this month (YYYY-MM) for every held kind. */
  month(month: string): void;
  sale(record: SaleRecord): void;
  /** The same as `sale`, for a record encoded by appendEncodedSale (threaded imports); optional. */
  saleEncoded?(values: readonly unknown[], offset: number): void;
  payment(row: PaymentRow): void;
  /** Called after each batch of rows; a sink that forwards elsewhere may wait here (backpressure). */
  drain?(): Promise<void>;
}

export interface KdpParseResult extends KdpFileMeta {
  rowsRead: number;
  warnings: string[];
  /** Dashboard KENP sheets date monthly rows "YYYY-MM-01": true when this file's KENP rows are monthly. */
  kenpMonthly: boolean;
}

const HEADER_SCAN_ROWS = 25;
const ALL_ROYALTY_KINDS: Format[] = ["ebook", "paperback", "hardcover", "kenp"];

/** What a single re-saved sheet is, by its role. */
const SHEET_REPORT_KIND: Partial<Record<SheetRole, ReportKind>> = {
  combined: "combined-sales-sheet",
  total: "total-earnings-sheet",
  ebook: "ebook-royalty-sheet",
  print: "print-royalty-sheet",
  kenp: "kenp-sheet",
};

/** The row kinds each sheet role holds (a print sheet holds the one its name or place says). */
const ROLE_KINDS: Partial<Record<SheetRole, Format[]>> = {
  combined: ["ebook", "paperback", "hardcover"],
  total: ALL_ROYALTY_KINDS,
  ebook: ["ebook"],
  kenp: ["kenp"],
};

/** Reads the first rows of a sheet to find its header and role. */
async function locateHeader(
  file: string,
  sheet: KdpSheet,
  rows: AsyncIterator<SheetRow>,
): Promise<LocatedHeader | null> {
  let preambleMonth: string | null = null;
  for (let scanned = 0; scanned < HEADER_SCAN_ROWS; scanned++) {
    const next = await rows.next();
    if (next.done) return null;
    const texts = next.value.cells;
    const match = matchHeader(texts);
    if (match.index.sales_period !== undefined && match.hits <= 2) {
      const label = texts.find((t, i) => i !== match.index.sales_period && t && t.trim() !== "");
      const month = label ? parseMonthLabel(label) : null;
      if (!month) {
        throw inputError(
          { file, sheet: sheet.name ?? undefined, row: next.value.number },
          `cannot read the sales period "${label ?? ""}"`,
        );
      }
      preambleMonth = month.date;
      continue;
    }
    if (match.hits >= 3) {
      const role = sheetRole(match);
      if (role) return { match, role, headerRow: next.value.number, preambleMonth };
    }
  }
  return null;
}

export async function parseKdpFile(input: KdpFile, sink: KdpSink): Promise<KdpParseResult> {
  // Pass 1: the header of every sheet (a few rows each), to know what the file is.
  const located: { sheet: KdpSheet; header: LocatedHeader }[] = [];
  for (const sheet of input.sheets) {
    const iterator = rowsOf(sheet)[Symbol.asyncIterator]();
    try {
      const header = await locateHeader(input.file, sheet, iterator);
      if (header) located.push({ sheet, header });
    } finally {
      await iterator.return?.(undefined);
    }
  }
  if (located.length === 0) {
    const names = input.sheets.map((s) => s.name).filter(Boolean);
    throw inputError(
      { file: input.file },
      `not a KDP report: no ${input.container === "csv" ? "header row" : "sheet"} has the columns of a KDP report${names.length ? ` (sheets: ${names.join(", ")})` : ""}`,
      "AuthorStack reads the KDP dashboard export, Prior Months' Royalties, Payments, and single sheets of those saved as CSV.",
    );
  }

  const roles = new Set(located.map((l) => l.header.role));
  const hasPreamble = located.some((l) => l.header.preambleMonth !== null);
  const byRole = (role: SheetRole) => located.filter((l) => l.header.role === role);
  let reportKind: ReportKind;
  const printHints = new Map<KdpSheet, Format>();
  let family: Family;
  let used: typeof located;
  let heldKinds: Format[];
  if (roles.has("payments")) {
    reportKind = input.container === "csv" ? "payments-sheet" : "payments";
    family = "payments";
    used = byRole("payments");
    heldKinds = [];
  } else {
    family = hasPreamble ? "final" : "estimate";
    const perFormat = [...byRole("ebook"), ...byRole("print")];
    byRole("print").forEach(({ sheet }, index) => {
      printHints.set(sheet, printHint(sheet.name, index));
    });
    if (input.container === "xlsx") {
      reportKind = hasPreamble ? "prior-month" : "dashboard";
      used =
        perFormat.length > 0
          ? [...perFormat, ...byRole("kenp")]
          : [...byRole("combined"), ...byRole("total")];
      if (perFormat.length === 0 && byRole("total").length === 0) used.push(...byRole("kenp"));
      // The kinds of the sheets it has: a whole export holds all four, but a workbook with one sheet
      // moved out of it (Excel's "Move or Copy") is a snapshot of that sheet's kinds only.
      const kinds = new Set<Format>();
      for (const { sheet, header } of used) {
        if (header.role === "print") kinds.add(printHints.get(sheet) ?? "paperback");
        else for (const kind of ROLE_KINDS[header.role] ?? []) kinds.add(kind);
      }
      heldKinds = ALL_ROYALTY_KINDS.filter((kind) => kinds.has(kind));
    } else {
      const only = located[0]!.header.role;
      used = SHEET_REPORT_KIND[only] ? [located[0]!] : [];
      reportKind = SHEET_REPORT_KIND[only] ?? "dashboard";
      // A re-saved print sheet may be paperback or hardcover: its rows say which (claimed per row).
      heldKinds = only === "print" ? [] : (ROLE_KINDS[only] ?? []);
    }
    if (used.length === 0) {
      throw inputError(
        { file: input.file },
        `this file holds only KDP's ${[...roles].join(", ")} ${roles.size === 1 ? "sheet" : "sheets"}, with no royalties or KENP pages to import`,
        "Import the whole dashboard export or Prior Months' workbook, or a Combined Sales, eBook/Paperback/Hardcover Royalty or KENP Read sheet.",
      );
    }
  }

  const languages = located.map((l) => l.header.match.language).filter((l): l is Language => l !== null);
  const language = mostCommon(languages);
  const meta: KdpFileMeta = { reportKind, family, language, heldKinds };
  sink.start(meta);

  const warnings: string[] = [];
  const monthsSeen = new Set<string>();
  const noteMonth = (month: string) => {
    if (!monthsSeen.has(month)) {
      monthsSeen.add(month);
      sink.month(month);
    }
  };
  const totals = new Map<string, SummaryTotals>();
  let rowsRead = 0;
  let sawMonthlyRoyaltyDates = false;
  const kenpMonths = new Set<string>();
  let kenpAllFirstOfMonth = true;
  let kenpCount = 0;

  for (const { sheet, header } of used) {
    if (header.preambleMonth) noteMonth(header.preambleMonth);
    const context: RowContext = {
      file: input.file,
      sheet,
      header,
      style: input.numberStyle,
      status: family === "final" ? "final" : "estimate",
      printHint: printHints.get(sheet) ?? null,
    };
    for await (const batch of sheet.rowBatches()) {
      for (const row of batch) {
        if (row.number <= header.headerRow) continue;
        if (row.cells.every((c) => c === undefined || c.trim() === "")) continue;
        rowsRead++;
        if (header.role === "payments") {
          const payment = paymentFromRow(context, row);
          if (payment) {
            noteMonth(payment.month);
            sink.payment(payment);
          }
          continue;
        }
        const record = recordFromRow(context, row);
        if (!record) continue;
        const month = record.date.slice(0, 7);
        noteMonth(month);
        if (record.format === "kenp") {
          kenpCount++;
          kenpMonths.add(month);
          if (!record.date.endsWith("-01") || record.granularity === "month") kenpAllFirstOfMonth = false;
        } else if (record.granularity === "month") {
          sawMonthlyRoyaltyDates = true;
        }
        addToTotals(totals, month, record);
        sink.sale(record);
      }
      await sink.drain?.();
    }
  }

  // KDP dates a multi-month download's KENP rows "YYYY-MM-01": they are monthly totals, not days.
  const kenpMonthly = kenpCount > 0 && kenpAllFirstOfMonth && (sawMonthlyRoyaltyDates || kenpMonths.size > 1);
  if (kenpCount > 0 && kenpAllFirstOfMonth && !kenpMonthly && kenpMonths.size === 1) {
    const [month] = kenpMonths;
    warnings.push(
      `every KENP row is dated ${month}-01, which KDP uses both for that day and for the whole month in downloads covering several months: they were stored as read on ${month}-01. For monthly figures, import the whole workbook or a KENP sheet covering more than one month.`,
    );
  }

  if (input.container === "xlsx" && family === "estimate") {
    const summary = byRole("summary")[0];
    if (summary) {
      const months = await readSummary(input, summary.sheet, summary.header);
      warnings.push(...checkSummary(months, totals));
    }
  }

  return { ...meta, rowsRead, warnings, kenpMonthly };
}

function addToTotals(totals: Map<string, SummaryTotals>, month: string, record: SaleRecord): void {
  let t = totals.get(month);
  if (!t) {
    t = { paidEbook: 0, freeEbook: 0, paperback: 0, hardcover: 0, kenp: 0, royalties: new Map() };
    totals.set(month, t);
  }
  if (record.format === "ebook") {
    t.paidEbook += record.unitsSold - record.unitsRefunded;
    t.freeEbook += record.unitsFree;
  } else if (record.format === "paperback") t.paperback += record.unitsSold - record.unitsRefunded;
  else if (record.format === "hardcover") t.hardcover += record.unitsSold - record.unitsRefunded;
  else if (record.format === "kenp") t.kenp += record.kenpPages;
  if (record.currency && record.royaltyMicros !== 0) {
    t.royalties.set(record.currency, (t.royalties.get(record.currency) ?? 0) + record.royaltyMicros);
  }
}

async function readSummary(input: KdpFile, sheet: KdpSheet, header: LocatedHeader): Promise<SummaryMonth[]> {
  const months: SummaryMonth[] = [];
  for await (const row of rowsOf(sheet)) {
    if (row.number <= header.headerRow) continue;
    const month = summaryFromRow(header.match, row, input.numberStyle);
    if (month) months.push(month);
  }
  return months;
}

async function* rowsOf(sheet: KdpSheet): AsyncGenerator<SheetRow> {
  for await (const batch of sheet.rowBatches()) yield* batch;
}

function mostCommon<T>(values: T[]): T | null {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | null = null;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}
