import { inputError } from "../../errors.js";
import { emptyRecord, type FigureStatus, type Format, type SaleRecord } from "../../model.js";
import { type Field, type HeaderMatch, normalizeHeader, type SheetRole } from "./headers.js";
import type { KdpSheet, PaymentRow } from "./parse.js";
import {
  cellInteger,
  cellMicros,
  cellText,
  exactIntegerText,
  type KdpDate,
  MARKETPLACE_CURRENCY,
  type NumberStyle,
  parseKdpDate,
} from "./values.js";
import { columnLetter, type SheetRow } from "./xlsx.js";

/**
 * One data row of a KDP sheet → one normalized sale record (or a Payments row), by the sheet's
 * role and matched header. Every bad cell is reported with file, sheet, row and column.
 */

export interface LocatedHeader {
  match: HeaderMatch;
  role: SheetRole;
  headerRow: number;
  /** Month from a "Sales Period | January 2025" preamble. */
  preambleMonth: string | null;
}

export interface RowContext {
  file: string;
  sheet: KdpSheet;
  header: LocatedHeader;
  style: NumberStyle;
  status: FigureStatus;
  printHint: Format | null;
}

function locate(ctx: RowContext, row: SheetRow, field?: Field) {
  const column = field === undefined ? undefined : ctx.header.match.index[field];
  return {
    file: ctx.file,
    sheet: ctx.sheet.name ?? undefined,
    row: row.number,
    column:
      column === undefined
        ? undefined
        : `${columnLetter(column)} (${ctx.header.match.names.get(column) ?? field})`,
  };
}

function text(ctx: RowContext, row: SheetRow, field: Field): string | null {
  const column = ctx.header.match.index[field];
  return column === undefined ? null : cellText(row.cells[column]);
}

function money(ctx: RowContext, row: SheetRow, field: Field): number | null {
  const column = ctx.header.match.index[field];
  if (column === undefined) return null;
  const value = cellMicros(row.cells[column], row.numeric?.[column] === true, ctx.style);
  if (value === undefined) {
    throw inputError(locate(ctx, row, field), `"${row.cells[column]}" is not a number`);
  }
  return value;
}

function count(ctx: RowContext, row: SheetRow, field: Field): number | null {
  const column = ctx.header.match.index[field];
  if (column === undefined) return null;
  const value = cellInteger(row.cells[column], row.numeric?.[column] === true, ctx.style);
  if (value === undefined) {
    throw inputError(locate(ctx, row, field), `"${row.cells[column]}" is not a whole number`);
  }
  return value;
}

function rowDate(ctx: RowContext, row: SheetRow): KdpDate {
  for (const field of ["royalty_date", "date"] as const) {
    if (ctx.header.match.index[field] === undefined) continue;
    const raw = text(ctx, row, field);
    const parsed = parseKdpDate(raw);
    if (!parsed)
      throw inputError(
        locate(ctx, row, field),
        `"${raw ?? ""}" is not a date (expected YYYY-MM or YYYY-MM-DD)`,
      );
    return parsed;
  }
  if (ctx.header.preambleMonth) return { date: ctx.header.preambleMonth, granularity: "month" };
  throw inputError(locate(ctx, row), "the sheet has no date column and no Sales Period row");
}

const FREE_TRANSACTION = /free|gratuit|gratis|kostenlos|無料|free book/;
const KENP_TRANSACTION = /kenp|normalized page|paginas kenp/;

const normalizedCache = new Map<string, string>();

/** Transaction types repeat on every row: normalise each distinct text once. */
function normalized(value: string | null): string {
  if (value === null) return "";
  let n = normalizedCache.get(value);
  if (n === undefined) {
    n = normalizeHeader(value);
    if (normalizedCache.size < 10_000) normalizedCache.set(value, n);
  }
  return n;
}

function printFormat(transactionType: string | null, hint: Format | null): Format | null {
  const t = normalized(transactionType);
  if (/hardcover|tapa dura|rilegat|gebunden|ハードカバー/.test(t)) return "hardcover";
  if (/paperback|tapa blanda|taschenbuch|broche|copertina flessibile|ペーパーバック/.test(t))
    return "paperback";
  if (/expanded|extendida|ampliada|estesa|erweitert|etendue/.test(t)) return hint ?? "paperback";
  return hint;
}

export function printHint(sheetName: string | null, index: number): Format {
  const name = normalized(sheetName);
  if (/hardcover|tapa dura|ハードカバー|rilegat|gebunden/.test(name)) return "hardcover";
  if (/paperback|tapa blanda|impresos|taschenbuch|ペーパーバック/.test(name)) return "paperback";
  if (/\btapa\s*$/.test(name)) return "hardcover"; // "Regalías de los libros de tapa " (truncated "tapa dura")
  return index === 0 ? "paperback" : "hardcover";
}

export function recordFromRow(ctx: RowContext, row: SheetRow): SaleRecord | null {
  const role = ctx.header.role;
  const idText = text(ctx, row, "asin_or_isbn");
  const asinText = text(ctx, row, "asin");
  const isbnText = text(ctx, row, "isbn");
  const title = text(ctx, row, "title");
  const transactionType = text(ctx, row, "transaction_type");
  const royaltyType = text(ctx, row, "royalty_type");
  if (!title && !idText && !asinText && !isbnText) return null; // a footer or note row

  const when = rowDate(ctx, row);
  let format: Format;
  if (role === "kenp") format = "kenp";
  else if (role === "ebook") format = "ebook";
  else if (role === "print") format = printFormat(transactionType, ctx.printHint) ?? "paperback";
  else if (
    role === "total" &&
    (KENP_TRANSACTION.test(normalized(transactionType)) ||
      (count(ctx, row, "units_sold") === null &&
        count(ctx, row, "net_units_or_kenp") !== null &&
        royaltyType === null))
  ) {
    format = "kenp";
  } else {
    const print = printFormat(transactionType, null);
    format = print ?? (/^(?:60|40)\s*%$/.test(royaltyType ?? "") ? "paperback" : "ebook");
  }

  const record = emptyRecord({
    source: "kdp",
    status: ctx.status,
    date: when.date,
    granularity: when.granularity,
    format,
  });
  record.title = title;
  record.author = text(ctx, row, "author");
  record.marketplace = text(ctx, row, "marketplace");
  record.transactionType = transactionType;
  record.royaltyType = royaltyType;
  record.sheet = ctx.sheet.name;
  record.rowNumber = row.number;
  const isIsbn = (id: string) => /^97[89]\d{10}$/.test(id.replace(/-/g, ""));
  if (idText) {
    if (isIsbn(idText)) record.isbn = idText.replace(/-/g, "");
    else record.asin = idText;
  }
  if (asinText) record.asin = asinText;
  if (isbnText) record.isbn = isbnText.replace(/-/g, "");
  record.productId =
    format === "ebook" || format === "kenp" ? (record.asin ?? record.isbn) : (record.isbn ?? record.asin);

  if (format === "kenp") {
    record.kenpPages = count(ctx, row, "kenp_pages") ?? count(ctx, row, "net_units_or_kenp") ?? 0;
  } else {
    const sold = count(ctx, row, "units_sold") ?? 0;
    const refunded = count(ctx, row, "units_refunded") ?? 0;
    const free = FREE_TRANSACTION.test(normalized(transactionType));
    if (free) record.unitsFree = sold - refunded;
    else {
      record.unitsSold = sold;
      record.unitsRefunded = refunded;
    }
    record.listPriceMicros = money(ctx, row, "list_price");
    record.offerPriceMicros = money(ctx, row, "offer_price");
    const orderDate = text(ctx, row, "order_date");
    record.orderDate = orderDate ? (parseKdpDate(orderDate)?.date ?? orderDate) : null;
  }
  record.royaltyMicros = money(ctx, row, "royalty") ?? 0;
  const currency = text(ctx, row, "currency");
  record.currency =
    currency?.toUpperCase() ??
    (record.marketplace ? (MARKETPLACE_CURRENCY[record.marketplace.toLowerCase()] ?? null) : null);
  if (record.royaltyMicros !== 0 && !record.currency) {
    throw inputError(
      locate(ctx, row, "currency"),
      "a royalty without a currency (no Currency column and an unknown marketplace)",
    );
  }
  return record;
}

export function paymentFromRow(ctx: RowContext, row: SheetRow): PaymentRow | null {
  const periodStart = parseKdpDate(text(ctx, row, "period_start"));
  const detail = text(ctx, row, "detail");
  const detailMonth = parseKdpDate(detail);
  const month = periodStart?.date.slice(0, 7) ?? detailMonth?.date.slice(0, 7);
  if (!month) {
    if (!text(ctx, row, "marketplace") && !detail) return null;
    throw inputError(
      locate(ctx, row, "period_start"),
      "a payment row without a sales period or detail month",
    );
  }
  const payoutColumn = ctx.header.match.payoutCurrencyColumn;
  return {
    month,
    periodStart: periodStart?.date ?? null,
    periodEnd: parseKdpDate(text(ctx, row, "period_end"))?.date ?? null,
    marketplace: text(ctx, row, "marketplace"),
    paymentNumber: exactIntegerText(row.cells[ctx.header.match.index.payment_number ?? -1]),
    paymentDate: parseKdpDate(text(ctx, row, "date"))?.date ?? null,
    paymentMethod: text(ctx, row, "payment_method"),
    detail,
    source: text(ctx, row, "payment_source"),
    currency: text(ctx, row, "currency"),
    accruedMicros: money(ctx, row, "accrued_royalty"),
    taxWithholdingMicros: money(ctx, row, "tax_withholding"),
    adjustmentsMicros: money(ctx, row, "adjustments"),
    netEarningsMicros: money(ctx, row, "net_earnings"),
    fxRate: text(ctx, row, "fx_rate"),
    payoutCurrency: payoutColumn === null ? null : cellText(row.cells[payoutColumn]),
    payoutMicros: money(ctx, row, "payout_amount"),
    status: text(ctx, row, "payment_status"),
    rowNumber: row.number,
  };
}
