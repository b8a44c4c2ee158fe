import type { SaleRecord } from "../model.js";
import type { Db } from "./db.js";

/** Prepared insert of normalized sale records; the caller owns the transaction. */
export function saleInserter(db: Db): (record: SaleRecord, importId: number | null) => void {
  const insert = db.prepare(`
    INSERT INTO sales (source, external_id, import_id, status, month, date, granularity, format, asin, isbn,
      product_id, title, author, marketplace, transaction_type, royalty_type, units_sold, units_refunded,
      units_free, kenp_pages, royalty_micros, currency, list_price_micros, offer_price_micros, order_date,
      sheet, row_number, extra)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  return (r, importId) => {
    insert.run(
      r.source,
      r.externalId,
      importId,
      r.status,
      r.date.slice(0, 7),
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
      r.extra === null ? null : JSON.stringify(r.extra),
    );
  };
}
