import { appendEncodedSale, SALE_FIELD as F, type SaleRecord } from "../model.js";
import type { Db } from "./db.js";

export interface SaleInserter {
  insert(record: SaleRecord, importId: number | null): void;
  /** A record encoded by appendEncodedSale, starting at `offset` of `values`. */
  insertEncoded(values: readonly unknown[], offset: number, importId: number | null): void;
}

/** Prepared insert of normalized sale records; the caller owns the transaction. */
export function saleInserter(db: Db): SaleInserter {
  const insert = db.prepare(`
    INSERT INTO sales (source, external_id, import_id, status, month, date, granularity, format, asin, isbn,
      product_id, title, author, marketplace, transaction_type, royalty_type, units_sold, units_refunded,
      units_free, kenp_pages, royalty_micros, currency, list_price_micros, offer_price_micros, order_date,
      sheet, row_number, extra)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertEncoded = (v: readonly unknown[], o: number, importId: number | null) => {
    const date = v[o + F.date] as string;
    const extra = v[o + F.extra];
    insert.run(
      v[o + F.source],
      v[o + F.externalId],
      importId,
      v[o + F.status],
      date.slice(0, 7),
      date,
      v[o + F.granularity],
      v[o + F.format],
      v[o + F.asin],
      v[o + F.isbn],
      v[o + F.productId],
      v[o + F.title],
      v[o + F.author],
      v[o + F.marketplace],
      v[o + F.transactionType],
      v[o + F.royaltyType],
      v[o + F.unitsSold],
      v[o + F.unitsRefunded],
      v[o + F.unitsFree],
      v[o + F.kenpPages],
      v[o + F.royaltyMicros],
      v[o + F.currency],
      v[o + F.listPriceMicros],
      v[o + F.offerPriceMicros],
      v[o + F.orderDate],
      v[o + F.sheet],
      v[o + F.rowNumber],
      extra === null || extra === undefined ? null : JSON.stringify(extra),
    );
  };
  const scratch: unknown[] = [];
  return {
    insert(record, importId) {
      scratch.length = 0;
      appendEncodedSale(scratch, record);
      insertEncoded(scratch, 0, importId);
    },
    insertEncoded,
  };
}
