import type { Format } from "../model.js";
import type { Family, PaymentRow, ReportKind } from "../sources/kdp/parse.js";
import type { Db } from "./db.js";

/**
 * KDP snapshot bookkeeping. A report file is a snapshot of (family, kind, month): the newest
 * snapshot by the workbook's own creation time holds those figures, and importing another replaces
 * them — never adds to them. Final (Prior Months') and estimate figures are kept apart; the report
 * prefers final ones.
 */

export type ClaimOutcome = "new" | "replaced" | "skipped" | "own";

export interface ImportRow {
  id: number;
  fileName: string;
  sha256: string;
  reportKind: string;
  importedAt: string;
}

export function findImportBySha(db: Db, sha256: string): ImportRow | undefined {
  return db
    .prepare(
      "SELECT id, file_name AS fileName, sha256, report_kind AS reportKind, imported_at AS importedAt FROM imports WHERE sha256 = ?",
    )
    .get(sha256) as ImportRow | undefined;
}

export interface NewImport {
  fileName: string;
  sha256: string;
  snapshotTime: string;
  snapshotTimeSource: "workbook" | "file";
  importedAt: string;
}

export function createImport(db: Db, imp: NewImport): number {
  const result = db
    .prepare(
      `INSERT INTO imports (source, file_name, sha256, report_kind, family, language, snapshot_time,
        snapshot_time_source, months, rows_read, rows_stored, imported_at)
       VALUES ('kdp', ?, ?, 'pending', 'pending', 'unknown', ?, ?, '[]', 0, 0, ?)`,
    )
    .run(imp.fileName, imp.sha256, imp.snapshotTime, imp.snapshotTimeSource, imp.importedAt);
  return Number(result.lastInsertRowid);
}

export interface FinishedImport {
  reportKind: ReportKind;
  family: Family;
  language: string;
  months: string[];
  rowsRead: number;
  rowsStored: number;
}

export function finishImport(db: Db, id: number, done: FinishedImport): void {
  db.prepare(
    `UPDATE imports SET report_kind = ?, family = ?, language = ?, months = ?, rows_read = ?, rows_stored = ?
     WHERE id = ?`,
  ).run(
    done.reportKind,
    done.family,
    done.language,
    JSON.stringify(done.months),
    done.rowsRead,
    done.rowsStored,
    id,
  );
}

/** Decides whether this import holds (family, kind, month), deleting the rows it replaces. */
export function snapshotClaimer(db: Db, importId: number, snapshotTime: string) {
  const current = db.prepare(
    "SELECT import_id AS importId, snapshot_time AS snapshotTime FROM snapshots WHERE source = 'kdp' AND family = ? AND kind = ? AND month = ?",
  );
  const upsert = db.prepare(
    `INSERT INTO snapshots (source, family, kind, month, import_id, snapshot_time) VALUES ('kdp', ?, ?, ?, ?, ?)
     ON CONFLICT (source, family, kind, month) DO UPDATE SET import_id = excluded.import_id, snapshot_time = excluded.snapshot_time`,
  );
  const deleteSales = db.prepare(
    "DELETE FROM sales WHERE source = 'kdp' AND status = ? AND format = ? AND month = ?",
  );
  const deletePayments = db.prepare("DELETE FROM payments WHERE month = ?");
  return (family: Family, kind: Format | "payments", month: string): ClaimOutcome => {
    const held = current.get(family, kind, month) as { importId: number; snapshotTime: string } | undefined;
    if (held?.importId === importId) return "own";
    // Equal times: the later import wins (a re-export of the same snapshot).
    if (held && held.snapshotTime > snapshotTime) return "skipped";
    if (held) {
      if (family === "payments") deletePayments.run(month);
      else deleteSales.run(family, kind, month);
    }
    upsert.run(family, kind, month, importId, snapshotTime);
    return held ? "replaced" : "new";
  };
}

/** Dashboard KENP rows dated "YYYY-MM-01" in a multi-month download are monthly totals. */
export function markKenpMonthly(db: Db, importId: number): void {
  db.prepare(
    "UPDATE sales SET date = substr(date, 1, 7), granularity = 'month' WHERE import_id = ? AND format = 'kenp'",
  ).run(importId);
}

export function paymentInserter(db: Db): (row: PaymentRow, importId: number) => void {
  const insert = db.prepare(`
    INSERT INTO payments (import_id, month, period_start, period_end, marketplace, payment_number, payment_date,
      payment_method, detail, source, currency, accrued_micros, tax_withholding_micros, adjustments_micros,
      net_earnings_micros, fx_rate, payout_currency, payout_micros, status, row_number)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  return (p, importId) => {
    insert.run(
      importId,
      p.month,
      p.periodStart,
      p.periodEnd,
      p.marketplace,
      p.paymentNumber,
      p.paymentDate,
      p.paymentMethod,
      p.detail,
      p.source,
      p.currency,
      p.accruedMicros,
      p.taxWithholdingMicros,
      p.adjustmentsMicros,
      p.netEarningsMicros,
      p.fxRate,
      p.payoutCurrency,
      p.payoutMicros,
      p.status,
      p.rowNumber,
    );
  };
}
