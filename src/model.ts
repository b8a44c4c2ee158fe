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
  return {
    externalId: null,
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
    ...partial,
  };
}

export function monthOf(date: string): string {
  return date.slice(0, 7);
}
