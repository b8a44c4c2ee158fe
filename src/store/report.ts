import type { Db } from "./db.js";

/** One aggregated slice of stored sales, as the report module groups them further. */
export interface SalesSlice {
  source: string;
  status: "estimate" | "final";
  month: string;
  date: string;
  granularity: "day" | "month";
  format: string;
  marketplace: string | null;
  currency: string | null;
  productId: string | null;
  title: string | null;
  author: string | null;
  unitsSold: number;
  unitsRefunded: number;
  unitsFree: number;
  kenpPages: number;
  royaltyMicros: number;
  /** Latest import/sale id in the slice: newer rows carry the current title. */
  newest: number;
}

export interface SalesQuery {
  from: string;
  to: string;
  sources: string[];
  book: string | null;
}

/**
 * Sales in a period, aggregated in SQL. KDP estimates are left out for a month whose final figures
 * (Prior Months' Royalties) are stored. Month-granular rows are included when their month overlaps
 * the period.
 */
export function querySales(db: Db, q: SalesQuery): SalesSlice[] {
  const where: string[] = [
    `((s.granularity = 'day' AND s.date BETWEEN @from AND @to) OR
      (s.granularity = 'month' AND s.month BETWEEN substr(@from, 1, 7) AND substr(@to, 1, 7)))`,
    `NOT (s.source = 'kdp' AND s.status = 'estimate' AND EXISTS (
       SELECT 1 FROM snapshots f WHERE f.source = 'kdp' AND f.family = 'final' AND f.kind = s.format AND f.month = s.month))`,
  ];
  const params: Record<string, string> = { from: q.from, to: q.to };
  if (q.sources.length > 0) {
    where.push(`s.source IN (${q.sources.map((_, i) => `@source${i}`).join(", ")})`);
    q.sources.forEach((source, i) => {
      params[`source${i}`] = source;
    });
  }
  if (q.book) {
    where.push(
      `(s.asin = @book OR s.isbn = @book OR s.product_id = @book OR instr(fold(s.title), fold(@book)) > 0)`,
    );
    params.book = q.book;
  }
  const sql = `
    SELECT s.source, s.status, s.month, s.date, s.granularity, s.format, s.marketplace, s.currency,
      s.product_id AS productId, s.title, s.author,
      SUM(s.units_sold) AS unitsSold, SUM(s.units_refunded) AS unitsRefunded, SUM(s.units_free) AS unitsFree,
      SUM(s.kenp_pages) AS kenpPages, SUM(s.royalty_micros) AS royaltyMicros, MAX(s.id) AS newest
    FROM sales s
    WHERE ${where.join(" AND ")}
    GROUP BY s.source, s.status, s.month, s.date, s.granularity, s.format, s.marketplace, s.currency,
      s.product_id, s.title, s.author`;
  return db.prepare(sql).all(params) as SalesSlice[];
}
