/**
 * The one normalized record every source produces and the store keeps: a sale row, or an
 * aggregate of sales (KDP reports aggregate per day or month), with exact money.
 */
export type SourceName = "kdp" | "gumroad";
export type Format = "ebook" | "paperback" | "hardcover" | "kenp" | "digital";
export type Granularity = "day" | "month";
export type FigureStatus = "estimate" | "final";

export interface SaleRecord {
  source: SourceName;
  /** The platform's own id where it has one (Gumroad sale id); null for KDP aggregate rows. */
  externalId: string | null;
  status: FigureStatus;
  /** YYYY-MM-DD for day granularity, YYYY-MM for month granularity. */
  date: string;
  granularity: Granularity;
  format: Format;
  asin: string | null;
  isbn: string | null;
  productId: string | null;
  title: string | null;
  author: string | null;
  marketplace: string | null;
  transactionType: string | null;
  royaltyType: string | null;
  /** Units on paid rows. */
  unitsSold: number;
  /** Refunded units on paid rows. */
  unitsRefunded: number;
  /** Units on free promotion / price-match rows, or free (price 0) sales. */
  unitsFree: number;
  kenpPages: number;
  /** What the author earns, in micro-units of `currency` (see util/money.ts). */
  royaltyMicros: number;
  currency: string | null;
  listPriceMicros: number | null;
  offerPriceMicros: number | null;
  orderDate: string | null;
  /** Where the row came from, for audit and error messages. */
  sheet: string | null;
  rowNumber: number | null;
  /** Source-specific facts kept as JSON (e.g. Gumroad refund state). */
  extra: Record<string, unknown> | null;
}

export function emptyRecord(
  partial: Pick<SaleRecord, "source" | "status" | "date" | "granularity" | "format">,
): SaleRecord {
  // Every field written out in one literal: one object shape for all records (fast to fill and copy).
  return {
    source: partial.source,
    externalId: null,
    status: partial.status,
    date: partial.date,
    granularity: partial.granularity,
    format: partial.format,
    asin: null,
    isbn: null,
    productId: null,
    title: null,
    author: null,
    marketplace: null,
    transactionType: null,
    royaltyType: null,
    unitsSold: 0,
    unitsRefunded: 0,
    unitsFree: 0,
    kenpPages: 0,
    royaltyMicros: 0,
    currency: null,
    listPriceMicros: null,
    offerPriceMicros: null,
    orderDate: null,
    sheet: null,
    rowNumber: null,
    extra: null,
  };
}

export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/**
 * A SaleRecord as a run of plain values in this order: how the threaded importer passes records
 * between threads (a flat array of primitives is far cheaper to copy than objects) and how the
 * store binds them.
 */
export const SALE_FIELDS = [
  "source",
  "externalId",
  "status",
  "date",
  "granularity",
  "format",
  "asin",
  "isbn",
  "productId",
  "title",
  "author",
  "marketplace",
  "transactionType",
  "royaltyType",
  "unitsSold",
  "unitsRefunded",
  "unitsFree",
  "kenpPages",
  "royaltyMicros",
  "currency",
  "listPriceMicros",
  "offerPriceMicros",
  "orderDate",
  "sheet",
  "rowNumber",
  "extra",
] as const satisfies readonly (keyof SaleRecord)[];

export const SALE_FIELD_COUNT = SALE_FIELDS.length;

/** Position of each field in an encoded record. */
export const SALE_FIELD = Object.fromEntries(SALE_FIELDS.map((field, i) => [field, i])) as {
  [K in (typeof SALE_FIELDS)[number]]: number;
};

/** Pushes the record's values in SALE_FIELDS order (written out: a keyed loop is several times slower). */
export function appendEncodedSale(out: unknown[], r: SaleRecord): void {
  out.push(
    r.source,
    r.externalId,
    r.status,
    r.date,
    r.granularity,
    r.format,
    r.asin,
    r.isbn,
    r.productId,
    r.title,
    r.author,
    r.marketplace,
    r.transactionType,
    r.royaltyType,
    r.unitsSold,
    r.unitsRefunded,
    r.unitsFree,
    r.kenpPages,
    r.royaltyMicros,
    r.currency,
    r.listPriceMicros,
    r.offerPriceMicros,
    r.orderDate,
    r.sheet,
    r.rowNumber,
    r.extra,
  );
}

export function decodeSale(values: readonly unknown[], offset: number): SaleRecord {
  const record: Record<string, unknown> = {};
  SALE_FIELDS.forEach((field, i) => {
    record[field] = values[offset + i];
  });
  return record as unknown as SaleRecord;
}
