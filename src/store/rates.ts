import type { EcbRate } from "../sources/ecb/parse.js";
import type { Db } from "./db.js";

/** ECB reference rates (per 1 EUR, by day) and Amazon's own rates from imported KDP Payments. */

export function storeEcbRates(db: Db, rates: EcbRate[], importedAt: string): number {
  const upsert = db.prepare(
    `INSERT INTO rates (source, date, base, currency, rate, imported_at) VALUES ('ecb', ?, 'EUR', ?, ?, ?)
     ON CONFLICT (source, base, currency, date) DO UPDATE SET rate = excluded.rate, imported_at = excluded.imported_at
     WHERE rates.rate <> excluded.rate`,
  );
  let changed = 0;
  db.transaction(() => {
    for (const r of rates) changed += upsert.run(r.date, r.currency, r.rate, importedAt).changes;
  })();
  return changed;
}

export interface RateSourceSummary {
  source: "ecb" | "kdp-payments";
  description: string;
  first: string | null;
  last: string | null;
  currencies: string[];
  count: number;
}

export function summarizeRates(db: Db): RateSourceSummary[] {
  const ecb = db
    .prepare(
      "SELECT MIN(date) AS first, MAX(date) AS last, COUNT(*) AS count FROM rates WHERE source = 'ecb'",
    )
    .get() as { first: string | null; last: string | null; count: number };
  const ecbCurrencies = (
    db.prepare("SELECT DISTINCT currency FROM rates WHERE source = 'ecb' ORDER BY currency").all() as {
      currency: string;
    }[]
  ).map((r) => r.currency);
  const kdp = db
    .prepare(
      `SELECT MIN(month) AS first, MAX(month) AS last, COUNT(*) AS count FROM payments
       WHERE payment_number IS NOT NULL AND currency IS NOT NULL AND payout_currency IS NOT NULL
         AND currency <> payout_currency AND payout_micros IS NOT NULL`,
    )
    .get() as { first: string | null; last: string | null; count: number };
  const kdpPairs = (
    db
      .prepare(
        `SELECT DISTINCT currency || '→' || payout_currency AS pair FROM payments
         WHERE payment_number IS NOT NULL AND currency IS NOT NULL AND payout_currency IS NOT NULL
           AND currency <> payout_currency AND payout_micros IS NOT NULL ORDER BY pair`,
      )
      .all() as { pair: string }[]
  ).map((r) => r.pair);
  return [
    {
      source: "ecb",
      description: "European Central Bank euro reference rates (per 1 EUR, by day)",
      ...ecb,
      currencies: ecbCurrencies,
    },
    {
      source: "kdp-payments",
      description:
        "what Amazon paid in another currency, from imported KDP Payments reports (by sales month)",
      ...kdp,
      currencies: kdpPairs,
    },
  ];
}

export interface RateTables {
  /** currency → [date, rate per EUR] ascending by date. */
  ecb: Map<string, [string, string][]>;
  /**
   * `${month}|${from}|${to}` → what Amazon actually paid: total payout in `to` and total net earnings
   * in `from` over that month's payments (the report's rounded "FX Rate" column is not exact enough).
   */
  payments: Map<string, { payoutMicros: number; earningsMicros: number }>;
}

export function loadRateTables(db: Db, currencies: string[]): RateTables {
  const ecb = new Map<string, [string, string][]>();
  const byCurrency = db.prepare(
    "SELECT date, rate FROM rates WHERE source = 'ecb' AND currency = ? ORDER BY date",
  );
  for (const currency of currencies) {
    const rows = byCurrency.all(currency) as { date: string; rate: string }[];
    if (rows.length)
      ecb.set(
        currency,
        rows.map((r) => [r.date, r.rate]),
      );
  }
  const payments = new Map<string, { payoutMicros: number; earningsMicros: number }>();
  const paid = db
    .prepare(
      `SELECT month, currency, payout_currency AS payout, SUM(payout_micros) AS payoutMicros,
         SUM(net_earnings_micros) AS earningsMicros
       FROM payments
       WHERE payment_number IS NOT NULL AND currency IS NOT NULL AND payout_currency IS NOT NULL
         AND currency <> payout_currency AND payout_micros IS NOT NULL AND net_earnings_micros IS NOT NULL
       GROUP BY month, currency, payout_currency
       HAVING SUM(net_earnings_micros) > 0 AND SUM(payout_micros) > 0
       ORDER BY month, currency, payout_currency`,
    )
    .all() as {
    month: string;
    currency: string;
    payout: string;
    payoutMicros: number;
    earningsMicros: number;
  }[];
  for (const p of paid) {
    payments.set(`${p.month}|${p.currency}|${p.payout}`, {
      payoutMicros: p.payoutMicros,
      earningsMicros: p.earningsMicros,
    });
  }
  return { ecb, payments };
}
