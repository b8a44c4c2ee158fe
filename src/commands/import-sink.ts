import type { Format } from "../model.js";
import { SALE_FIELD } from "../model.js";
import type { KdpFileMeta, KdpSink } from "../sources/kdp/parse.js";
import type { Db } from "../store/db.js";
import { type ClaimOutcome, paymentInserter, snapshotClaimer } from "../store/kdp.js";
import { saleInserter } from "../store/sales.js";
import type { ProgressLine } from "../util/progress.js";

/**
 * Where a KDP file's parsed rows go: each row is stored only if this file holds its (kind, month)
 * snapshot — claimed once per (kind, month), replacing an older snapshot's rows or skipping when a
 * newer one is stored — and what happened to each month is remembered for the summary.
 */
export class SnapshotSink {
  readonly months = new Set<string>();
  /** What happened to each month: a month counts as skipped only when every kind of it was. */
  readonly outcomes = new Map<string, ClaimOutcome>();
  /** Days of daily rows per month: a few days' download replacing a whole month deserves a word. */
  readonly dailyDays = new Map<string, Set<string>>();
  rowsStored = 0;

  private readonly claim: ReturnType<typeof snapshotClaimer>;
  private readonly sales: ReturnType<typeof saleInserter>;
  private readonly insertPayment: ReturnType<typeof paymentInserter>;
  private readonly claimed = new Map<string, Map<string, boolean>>();
  private meta: KdpFileMeta | null = null;
  private rowsSeen = 0;

  constructor(
    db: Db,
    private readonly importId: number,
    snapshotTime: string,
    private readonly progress: ProgressLine | null,
    private readonly name: string,
  ) {
    this.claim = snapshotClaimer(db, importId, snapshotTime);
    this.sales = saleInserter(db);
    this.insertPayment = paymentInserter(db);
  }

  readonly sink: KdpSink = {
    start: (meta) => {
      this.meta = meta;
    },
    month: (month) => {
      this.months.add(month);
      if (this.meta!.family === "payments") this.claimKind("payments", month);
      for (const kind of this.meta!.heldKinds) this.claimKind(kind, month);
    },
    sale: (record) => {
      if (this.accept(record.format, record.date, record.granularity))
        this.sales.insert(record, this.importId);
    },
    saleEncoded: (values, offset) => {
      const format = values[offset + SALE_FIELD.format] as Format;
      const date = values[offset + SALE_FIELD.date] as string;
      const granularity = values[offset + SALE_FIELD.granularity] as string;
      if (this.accept(format, date, granularity)) this.sales.insertEncoded(values, offset, this.importId);
    },
    payment: (row) => {
      if (this.claimKind("payments", row.month)) {
        this.insertPayment(row, this.importId);
        this.rowsStored++;
      }
    },
  };

  /** Notes a sale row and says whether to store it. */
  private accept(format: Format, date: string, granularity: string): boolean {
    if (this.progress && ++this.rowsSeen % 1024 === 0) {
      const seen = this.rowsSeen;
      this.progress.update(() => `${this.name}: ${seen.toLocaleString("en-US")} rows`);
    }
    const month = date.slice(0, 7);
    if (granularity === "day") {
      let days = this.dailyDays.get(month);
      if (!days) {
        days = new Set();
        this.dailyDays.set(month, days);
      }
      days.add(date);
    }
    const ok = this.claimKind(format, month);
    if (ok) this.rowsStored++;
    return ok;
  }

  private claimKind(kind: Format | "payments", month: string): boolean {
    let byMonth = this.claimed.get(kind);
    if (!byMonth) {
      byMonth = new Map();
      this.claimed.set(kind, byMonth);
    }
    let ok = byMonth.get(month);
    if (ok === undefined) {
      const outcome = this.claim(this.meta!.family, kind, month);
      ok = outcome !== "skipped";
      byMonth.set(month, ok);
      const previous = this.outcomes.get(month);
      if (previous === undefined || previous === "skipped" || outcome === "replaced")
        this.outcomes.set(month, outcome);
    }
    return ok;
  }
}

/**
 * KDP snapshots are by month, so a download of a few days replaces the whole month stored before:
 * right for a month-to-date download, surprising for a one-day one. Say so when it happens.
 */
export function partialMonthWarnings(
  months: string[],
  outcomes: Map<string, ClaimOutcome>,
  dailyDays: Map<string, Set<string>>,
): string[] {
  const warnings: string[] = [];
  for (const month of months) {
    const days = dailyDays.get(month);
    if (outcomes.get(month) !== "replaced" || !days) continue;
    const sorted = [...days].sort();
    const span = sorted.length === 1 ? sorted[0] : `${sorted[0]} … ${sorted[sorted.length - 1]}`;
    warnings.push(
      `${month}: this download's daily figures (${span}, ${days.size} day${days.size === 1 ? "" : "s"} with sales) replaced the whole month stored from an earlier download. If it covered only part of the month, import a download of the whole month again.`,
    );
  }
  return warnings;
}
