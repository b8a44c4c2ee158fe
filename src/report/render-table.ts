import Table from "cli-table3";
import { formatMicrosFixed, parseMicros } from "../util/money.js";
import { sparklineFit } from "./sparkline.js";
import type { Report } from "./types.js";

const TREND_WIDTH = 12;

/** Currencies in the order people expect them: the report's largest first would shuffle between runs. */
function currencies(report: Report): string[] {
  const all = new Set<string>(Object.keys(report.totals.royalties));
  for (const row of report.rows) for (const c of Object.keys(row.royalties)) all.add(c);
  return [...all].sort();
}

function money(amount: string | undefined): string {
  if (amount === undefined) return "";
  return formatMicrosFixed(parseMicros(amount)!, 2);
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}

const GROUP_TITLES: Record<string, string> = {
  month: "Month",
  week: "Week",
  day: "Day",
  year: "Year",
  book: "Book",
  product: "Product",
  source: "Source",
  marketplace: "Marketplace",
  format: "Format",
  currency: "Currency",
};

/**
 * The terminal table: one row per group, aligned numbers, one royalty column per currency and a
 * totals row. `trend` adds a sparkline column when the caller has one to show.
 */
export function renderTable(
  report: Report,
  options: { color: boolean; width?: number } = { color: false },
): string {
  const ccys = currencies(report);
  // A trend column (net units per month) where the rows are not periods themselves, if it fits.
  const approxWidth = 60 + 12 * ccys.length + Math.max(0, ...report.rows.map((r) => r.label.length));
  const withTrend =
    report.rows.some((r) => r.trend && r.trend.months.length > 1) &&
    approxWidth + TREND_WIDTH + 3 <= (options.width ?? 160);
  const head = [
    GROUP_TITLES[report.groupBy] ?? "Group",
    "Sold",
    "Free",
    "Refunded",
    "Net",
    "KENP pages",
    ...ccys,
    ...(report.currency ? [`≈ ${report.currency}`] : []),
    "Status",
    ...(withTrend ? ["Trend"] : []),
  ];
  const table = new Table({
    head,
    style: { head: options.color ? ["cyan"] : [], border: options.color ? ["grey"] : [] },
    colAligns: [
      "left",
      "right",
      "right",
      "right",
      "right",
      "right",
      ...ccys.map(() => "right" as const),
      ...(report.currency ? ["right" as const] : []),
      "left",
      "left",
    ],
    // Compact: no rule between rows, only under the header.
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const row of report.rows) {
    table.push([
      row.label,
      count(row.units.sold),
      count(row.units.free),
      count(row.units.refunded),
      count(row.units.net),
      count(row.kenpPages),
      ...ccys.map((c) => money(row.royalties[c])),
      ...(report.currency ? [row.converted ? money(row.converted.amount) : "?"] : []),
      row.status,
      ...(withTrend ? [row.trend ? sparklineFit(row.trend.netUnits, TREND_WIDTH) : ""] : []),
    ]);
  }
  const t = report.totals;
  table.push([
    "Total",
    count(t.units.sold),
    count(t.units.free),
    count(t.units.refunded),
    count(t.units.net),
    count(t.kenpPages),
    ...ccys.map((c) => money(t.royalties[c])),
    ...(report.currency ? [t.converted ? money(t.converted.amount) : "?"] : []),
    "",
    ...(withTrend ? [""] : []),
  ]);
  const lines = [
    `${report.period.from} → ${report.period.to}${report.sources.length ? ` · ${report.sources.join(", ")}` : ""}`,
  ];
  if (report.rows.length === 0) lines.push("No sales in this period.");
  else lines.push(table.toString());
  for (const w of report.warnings) lines.push(`note: ${w}`);
  return lines.join("\n");
}
