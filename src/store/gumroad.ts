import { monthOf, type SaleRecord } from "../model.js";
import type { Db } from "./db.js";

/**
 * SQL for API-synced sales (Gumroad): upsert by (source, external_id) and the per-source sync state,
 * written in the same transaction as each page of rows, so a sync killed at any moment resumes
 * from exactly the page after the last one stored.
 */

export interface UpsertCounts {
  new: number;
  updated: number;
  unchanged: number;
}

const COLUMNS = [
  "status",
  "month",
  "date",
  "granularity",
  "format",
  "asin",
  "isbn",
  "product_id",
  "title",
  "author",
  "marketplace",
  "transaction_type",
  "royalty_type",
  "units_sold",
  "units_refunded",
  "units_free",
  "kenp_pages",
  "royalty_micros",
  "currency",
  "list_price_micros",
  "offer_price_micros",
  "order_date",
  "sheet",
  "row_number",
  "extra",
] as const;

type Row = Record<(typeof COLUMNS)[number], string | number | null>;

function toRow(r: SaleRecord): Row {
  return {
    status: r.status,
    month: monthOf(r.date),
    date: r.date,
    granularity: r.granularity,
    format: r.format,
    asin: r.asin,
    isbn: r.isbn,
    product_id: r.productId,
    title: r.title,
    author: r.author,
    marketplace: r.marketplace,
    transaction_type: r.transactionType,
    royalty_type: r.royaltyType,
    units_sold: r.unitsSold,
    units_refunded: r.unitsRefunded,
    units_free: r.unitsFree,
    kenp_pages: r.kenpPages,
    royalty_micros: r.royaltyMicros,
    currency: r.currency,
    list_price_micros: r.listPriceMicros,
    offer_price_micros: r.offerPriceMicros,
    order_date: r.orderDate,
    sheet: r.sheet,
    row_number: r.rowNumber,
    extra: r.extra === null ? null : JSON.stringify(r.extra),
  };
}

export class SyncStore {
  private readonly select;
  private readonly insert;
  private readonly update;
  private readonly saveState;
  private readonly loadState;

  constructor(
    private readonly db: Db,
    private readonly source: string,
  ) {
    this.select = db.prepare(
      `SELECT id, ${COLUMNS.join(", ")} FROM sales WHERE source = ? AND external_id = ?`,
    );
    this.insert = db.prepare(
      `INSERT INTO sales (source, external_id, ${COLUMNS.join(", ")}) VALUES (@source, @external_id, ${COLUMNS.map((c) => `@${c}`).join(", ")})`,
    );
    this.update = db.prepare(
      `UPDATE sales SET ${COLUMNS.map((c) => `${c} = @${c}`).join(", ")} WHERE id = @id`,
    );
    this.saveState = db.prepare(
      `INSERT INTO sync_state (source, state, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(source) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
    );
    this.loadState = db.prepare("SELECT state FROM sync_state WHERE source = ?");
  }

  readState<T>(): T | null {
    const row = this.loadState.get(this.source) as { state: string } | undefined;
    if (!row) return null;
    try {
      return JSON.parse(row.state) as T;
    } catch {
      return null;
    }
  }

  /** Writes the state alone (start and end of a run). */
  writeState(state: unknown, now: Date): void {
    this.saveState.run(this.source, JSON.stringify(state), now.toISOString());
  }

  /**
   * Upserts one page of records and saves the sync state in the same transaction: either both are
   * stored or neither. `state` gets the page's counts (new, changed, already identical) and returns
   * the state to save.
   */
  commitPage(records: SaleRecord[], state: (counts: UpsertCounts) => unknown, now: Date): UpsertCounts {
    const counts: UpsertCounts = { new: 0, updated: 0, unchanged: 0 };
    this.db.transaction(() => {
      for (const record of records) {
        if (record.externalId === null) throw new Error("an API-synced sale needs its external id");
        const row = toRow(record);
        const existing = this.select.get(this.source, record.externalId) as
          | (Row & { id: number })
          | undefined;
        if (!existing) {
          this.insert.run({ source: this.source, external_id: record.externalId, ...row });
          counts.new++;
        } else if (COLUMNS.every((c) => existing[c] === row[c])) {
          counts.unchanged++;
        } else {
          this.update.run({ id: existing.id, ...row });
          counts.updated++;
        }
      }
      this.saveState.run(this.source, JSON.stringify(state(counts)), now.toISOString());
    })();
    return counts;
  }

  countRows(): number {
    return (
      this.db.prepare("SELECT COUNT(*) AS n FROM sales WHERE source = ?").get(this.source) as { n: number }
    ).n;
  }
}
