/**
 * Presentation helpers shared by the HTML page and the email digest: exact amounts formatted for
 * people (never through floating point), the chart series picked from a time-grouped report, and
 * the subject's headline figure. Pure functions.
 */
import { formatMicros, parseMicros } from "../util/money.js";
import { monthLabel } from "./period.js";
import type { Report, ReportRow } from "./types.js";

/** What the HTML page and the email show: the report asked for, plus a time series and a per-book view. */
export interface ReportBundle {
  /** The report as asked for (its groupBy is the user's --by). */
  report: Report;
  /** The same period and filters grouped by day, week, month or year: the chart's data. */
  timeline: Report;
  /** The same period and filters grouped by book (omitted when `report` already is). */
  books?: Report;
}

const ZERO_DECIMAL = new Set(["JPY", "KRW", "HUF", "CLP", "ISK", "VND", "TWD", "IDR"]);

/** "1234.5" → "1,234.50"; keeps every digit the exact amount has (KDP JPY with cents stays "506.37"). */
export function formatAmount(currency: string, amount: string): string {
  const micros = parseMicros(amount);
  if (micros === null) return amount;
  const exact = formatMicros(micros);
  const negative = exact.startsWith("-");
  const [whole = "0", frac = ""] = (negative ? exact.slice(1) : exact).split(".");
  const minDecimals = ZERO_DECIMAL.has(currency.toUpperCase()) ? 0 : 2;
  const decimals = frac.padEnd(minDecimals, "0");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}${decimals ? `.${decimals}` : ""}`;
}

export function formatMoney(currency: string, amount: string): string {
  return `${currency} ${formatAmount(currency, amount)}`;
}

export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Currencies of a set of rows with their totals, sorted by code. */
export function currenciesOf(royalties: Record<string, string>): string[] {
  return Object.keys(royalties).sort();
}

/** A display number for plotting only (bar heights); sums are never made from it. */
export function plotValue(amount: string | undefined): number {
  if (!amount) return 0;
  const micros = parseMicros(amount);
  return micros === null ? 0 : micros / 1_000_000;
}

function emptyRow(key: string, label: string): ReportRow {
  return {
    key,
    label,
    units: { sold: 0, free: 0, refunded: 0, net: 0 },
    kenpPages: 0,
    royalties: {},
    converted: null,
    status: "final",
  };
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}

/**
 * Rows of a time-grouped report in time order (keys sort chronologically: 2025-07, 2025-07-14), with
 * the days or months without sales filled in as empty rows so a chart's time axis is even. Periods
 * too long to fill (an open `--to` only period) are filled between the first and last row only.
 */
export function timeRows(timeline: Report): ReportRow[] {
  const rows = [...timeline.rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const by = timeline.groupBy;
  if (by !== "day" && by !== "month") return rows;
  const pattern = by === "day" ? /^\d{4}-\d{2}-\d{2}$/ : /^\d{4}-\d{2}$/;
  const present = new Map(rows.filter((r) => pattern.test(r.key)).map((r) => [r.key, r]));
  const cut = (day: string) => (by === "day" ? day : day.slice(0, 7));
  let start = cut(timeline.period.from);
  let end = cut(timeline.period.to);
  const keys = [...present.keys()];
  const limit = by === "day" ? 400 : 120;
  const step = by === "day" ? nextDay : nextMonth;
  let count = 0;
  for (let k = start; k <= end && count <= limit; k = step(k)) count++;
  if (count > limit) {
    if (keys.length === 0) return rows;
    start = keys[0]!;
    end = keys[keys.length - 1]!;
  }
  const filled: ReportRow[] = [];
  count = 0;
  for (let k = start; k <= end && count <= 2 * limit; k = step(k), count++) {
    filled.push(present.get(k) ?? emptyRow(k, by === "day" ? k : monthLabel(k)));
  }
  const others = rows.filter((r) => !pattern.test(r.key)); // e.g. whole-month KDP rows in a by-day report
  return [
    ...others,
    ...filled,
    ...rows.filter((r) => pattern.test(r.key) && (r.key < start || r.key > end)),
  ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The currency the main chart shows: the converted currency when --currency was given, else the
 * currency with royalties in the most time buckets (ties: USD, then EUR, then alphabetical). Amounts in
 * different currencies are never added together.
 */
export function primaryCurrency(timeline: Report): string | null {
  if (timeline.currency) return timeline.currency;
  const counts = new Map<string, number>();
  for (const row of timeline.rows) {
    for (const [currency, amount] of Object.entries(row.royalties)) {
      if (parseMicros(amount) !== 0) counts.set(currency, (counts.get(currency) ?? 0) + 1);
    }
  }
  for (const currency of Object.keys(timeline.totals.royalties))
    if (!counts.has(currency)) counts.set(currency, 0);
  const preferred = ["USD", "EUR"];
  const sorted = [...counts.entries()].sort((a, b) => {
    if (b[1] !== a[1]) return b[1] - a[1];
    const pa = preferred.indexOf(a[0]);
    const pb = preferred.indexOf(b[0]);
    if (pa !== pb) return (pa === -1 ? 99 : pa) - (pb === -1 ? 99 : pb);
    return a[0].localeCompare(b[0]);
  });
  return sorted[0]?.[0] ?? null;
}

/** The amount of one row in the chart currency: converted when converting, else that currency's royalties. */
export function rowAmount(
  row: Pick<ReportRow, "royalties" | "converted">,
  currency: string,
): string | undefined {
  if (row.converted && row.converted.currency === currency) return row.converted.amount;
  return row.royalties[currency];
}

/** "2025-07-01 – 2025-07-31", or one date when the period is one day. */
export function periodText(report: Report): string {
  const { from, to } = report.period;
  return from === to ? from : `${from} – ${to}`;
}

/** The headline figure: royalties per currency (or the converted total) and net units. */
export function headline(report: Report): string {
  const t = report.totals;
  const money = t.converted
    ? `≈ ${formatMoney(t.converted.currency, t.converted.amount)}`
    : currenciesOf(t.royalties)
        .filter((c) => parseMicros(t.royalties[c] ?? "0") !== 0)
        .map((c) => formatMoney(c, t.royalties[c]!))
        .join(" + ");
  const units = `${formatCount(t.units.net)} unit${t.units.net === 1 ? "" : "s"}`;
  const pages = t.kenpPages > 0 ? `, ${formatCount(t.kenpPages)} KENP pages` : "";
  if (!money && t.units.net === 0 && t.kenpPages === 0 && t.units.free === 0) return "no sales";
  return `${money ? `${money} royalties, ` : ""}${units}${pages}`;
}

export function groupTitle(groupBy: string): string {
  const titles: Record<string, string> = {
    month: "By month",
    week: "By week",
    day: "By day",
    year: "By year",
    book: "By book",
    product: "By product",
    source: "By source",
    marketplace: "By marketplace",
    format: "By format",
    currency: "By currency",
  };
  return titles[groupBy] ?? `By ${groupBy}`;
}

/** Royalties of a row as one line: "USD 8.05 · EUR 62.03". */
export function royaltiesText(royalties: Record<string, string>, separator = " · "): string {
  const parts = currenciesOf(royalties).map((c) => formatMoney(c, royalties[c]!));
  return parts.length > 0 ? parts.join(separator) : "—";
}
