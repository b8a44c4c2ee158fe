import { emptyRecord, type SaleRecord } from "../../model.js";
import { centsToMicros, parseMicros } from "../../util/money.js";

/**
 * One sale as Gumroad's API v2 returns it (`Purchase#as_json(version: 2)`). Keys whose value is nil
 * are omitted by the server, so everything optional is optional here; unknown keys are ignored.
 */
export interface GumroadSale {
  id: string;
  created_at: string;
  product_id?: string;
  product_name?: string;
  product_permalink?: string;
  /** USD cents for the whole purchase (all units), whatever the listed currency. */
  price?: number;
  /** Gumroad's fee, USD cents. */
  gumroad_fee?: number;
  quantity?: number;
  paid?: boolean;
  refunded?: boolean;
  partially_refunded?: boolean;
  chargedback?: boolean;
  disputed?: boolean;
  dispute_won?: boolean;
  /** Remaining refundable amount, major units of the listed currency, no symbol ("4.50"). */
  amount_refundable_in_currency?: string;
  /** price converted back to the listed currency and formatted ("€9.20", "¥1,380"). */
  formatted_total_price?: string;
  currency_symbol?: string;
  /** [2026] ISO code of the listed currency. */
  currency?: string;
  /** [2026] present when the buyer was charged in their own currency. */
  buyer_presentment?: { currency?: string; total_cents?: number; refunded_cents?: number };
  order_id?: number;
  [key: string]: unknown;
}

export interface GumroadSaleState {
  refunded: boolean;
  partiallyRefunded: boolean;
  refundedCents: number;
  chargedback: boolean;
  disputed: boolean;
  disputeWon: boolean;
  free: boolean;
}

/**
 * Gumroad sale → normalized record:
 * - date: the UTC day of created_at (Gumroad's filters are UTC days too);
 * - paid sale: unitsSold = quantity, royalty = price − gumroad_fee (USD cents → micros);
 * - free sale (price 0): unitsFree = quantity, royalty 0;
 * - fully refunded, or charged back and not won: units also counted as refunded, royalty 0;
 * - partially refunded: royalty reduced by the refunded amount in USD cents (derived below);
 * - the refund/dispute state is kept in `extra`.
 */
export function mapSale(sale: GumroadSale): SaleRecord {
  if (typeof sale.id !== "string" || !sale.id) throw new Error("sale without an id");
  const created = parseCreatedAt(sale.created_at);
  if (!created) throw new Error(`sale ${sale.id}: unreadable created_at "${String(sale.created_at)}"`);
  const date = created.toISOString().slice(0, 10);
  const price = intOr0(sale.price);
  const fee = intOr0(sale.gumroad_fee);
  const quantity = Math.max(1, intOr0(sale.quantity) || 1);
  const state = saleState(sale);

  const record = emptyRecord({
    source: "gumroad",
    status: "final",
    date,
    granularity: "day",
    format: "digital",
  });
  record.externalId = sale.id;
  record.productId = sale.product_id ?? null;
  record.title = sale.product_name ?? null;
  record.currency = "USD";
  record.orderDate = created.toISOString().replace(".000Z", "Z");
  record.listPriceMicros = centsToMicros(price);
  record.marketplace = "gumroad.com";

  let royaltyCents: number;
  if (state.free) {
    record.unitsFree = quantity;
    royaltyCents = 0;
    record.transactionType = "free";
  } else if (state.refunded || state.chargedback) {
    record.unitsSold = quantity;
    record.unitsRefunded = quantity;
    royaltyCents = 0;
    record.transactionType = state.chargedback ? "chargeback" : "refund";
  } else {
    record.unitsSold = quantity;
    royaltyCents = price - fee - state.refundedCents;
    record.transactionType = state.partiallyRefunded ? "partial_refund" : "sale";
  }
  record.royaltyMicros = centsToMicros(royaltyCents);
  record.extra = {
    priceCents: price,
    feeCents: fee,
    quantity,
    ...(sale.product_permalink ? { permalink: sale.product_permalink } : {}),
    ...(listedCurrency(sale) ? { listedCurrency: listedCurrency(sale) } : {}),
    refunded: state.refunded,
    partiallyRefunded: state.partiallyRefunded,
    refundedCents: state.refundedCents,
    chargedback: state.chargedback,
    disputed: state.disputed,
    disputeWon: state.disputeWon,
  };
  return record;
}

export function saleState(sale: GumroadSale): GumroadSaleState {
  const price = intOr0(sale.price);
  const free = price === 0 || sale.paid === false;
  const disputed = sale.disputed === true;
  const disputeWon = sale.dispute_won === true;
  // `chargedback` is "disputed and not reversed"; older payloads may only carry `disputed`.
  const chargedback = !free && (sale.chargedback === true || (disputed && !disputeWon));
  const refunded = !free && sale.refunded === true;
  const partiallyRefunded = !free && !refunded && sale.partially_refunded === true;
  return {
    free,
    refunded,
    partiallyRefunded,
    refundedCents: refunded ? price : partiallyRefunded ? partialRefundCents(sale) : 0,
    chargedback,
    disputed,
    disputeWon,
  };
}

/**
 * The refunded part of a partially refunded sale, in USD cents. Gumroad (2025) gives no refunded
 * amount, only what is still refundable in the listed currency; the refunded share of `price` is
 * (total − refundable) / total, both in the listed currency, rounded half up to the cent. Where the
 * 2026 `buyer_presentment.refunded_cents` exists, the same share is taken of the buyer's total.
 */
export function partialRefundCents(sale: GumroadSale): number {
  const price = BigInt(intOr0(sale.price));
  const presentment = sale.buyer_presentment;
  if (
    presentment &&
    isInt(presentment.refunded_cents) &&
    isInt(presentment.total_cents) &&
    presentment.total_cents > 0
  ) {
    return Number(shareHalfUp(price, BigInt(presentment.refunded_cents), BigInt(presentment.total_cents)));
  }
  const total =
    sale.formatted_total_price === undefined ? null : parseFormattedAmount(sale.formatted_total_price);
  const refundable =
    sale.amount_refundable_in_currency === undefined
      ? null
      : parseFormattedAmount(sale.amount_refundable_in_currency);
  if (total === null || refundable === null || total <= 0) return 0;
  const refunded = BigInt(Math.max(0, total - refundable));
  return Number(shareHalfUp(price, refunded, BigInt(total)));
}

/** price × part / whole, rounded half up, exact. */
function shareHalfUp(price: bigint, part: bigint, whole: bigint): bigint {
  return (price * part * 2n + whole) / (whole * 2n);
}

/** "€1,234.50", "¥1,380", "$10 a month", "4.50" → micros; null when there is no number. */
export function parseFormattedAmount(text: string): number | null {
  const m = /-?\d[\d,]*(?:\.\d+)?/.exec(text.replace(/\s/g, ""));
  if (!m) return null;
  return parseMicros(m[0].replace(/,/g, ""));
}

function listedCurrency(sale: GumroadSale): string | null {
  if (typeof sale.currency === "string" && sale.currency) return sale.currency.toUpperCase();
  const symbols: Record<string, string> = { $: "USD", "€": "EUR", "£": "GBP", "¥": "JPY" };
  return (sale.currency_symbol && symbols[sale.currency_symbol]) || null;
}

function parseCreatedAt(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

function intOr0(v: unknown): number {
  if (typeof v === "number" && Number.isFinite(v)) return Math.round(v);
  if (typeof v === "string" && /^-?\d+(\.0+)?$/.test(v)) return Number.parseInt(v, 10);
  return 0;
}
