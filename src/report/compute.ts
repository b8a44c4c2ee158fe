import type { SalesSlice } from "../store/report.js";
import { formatMicros, formatMicrosFixed } from "../util/money.js";
import { type Converter, describeRates, type RateSource } from "./convert.js";
import { isoWeek, monthEnd, monthLabel, type Period } from "./period.js";
import {
  type ConvertedAmount,
  type GroupBy,
  type Report,
  type ReportRow,
  TIME_GROUPS,
  type Units,
} from "./types.js";

/**
 * Pure figures: from aggregated sales slices to the report's rows and totals. Money stays in integer
 * micro-units until it is formatted as an exact decimal string.
 */

interface Accumulator {
  key: string;
  label: string;
  sortKey: string;
  labelRank: number;
  units: Units;
  kenpPages: number;
  royalties: Map<string, number>;
  statuses: Set<string>;
  netUnitsByMonth: Map<string, number>;
  /** With --currency: the sum converted so far, and whether some amount had no rate. */
  convertedMicros: number;
  unconverted: boolean;
}

/** Every month from the period's first to its last, "YYYY-MM". */
function monthsOf(period: Period): string[] {
  const months: string[] = [];
  let year = Number(period.from.slice(0, 4));
  let month = Number(period.from.slice(5, 7));
  const last = period.to.slice(0, 7);
  for (;;) {
    const key = `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
    if (key > last || months.length > 1200) break;
    months.push(key);
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return months;
}

/** The main title of a work: text before the first ":", NFKC, case-folded, spaces collapsed. */
export function bookKey(title: string | null, author: string | null, fallback: string): string {
  if (!title) return `id:${fallback}`;
  const main = title.normalize("NFKC").split(/[:：]/)[0]!.toLowerCase().replace(/\s+/g, " ").trim();
  const who = (author ?? "").normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
  return `${main}|${who}`;
}

function mainTitle(title: string): string {
  return title.split(/[:：]/)[0]!.replace(/\s+/g, " ").trim();
}

function groupOf(slice: SalesSlice, by: GroupBy): { key: string; label: string; sortKey: string } {
  switch (by) {
    case "month":
      return { key: slice.month, label: monthLabel(slice.month), sortKey: slice.month };
    case "year":
      return {
        key: slice.month.slice(0, 4),
        label: slice.month.slice(0, 4),
        sortKey: slice.month.slice(0, 4),
      };
    case "day":
      return slice.granularity === "day"
        ? { key: slice.date, label: slice.date, sortKey: slice.date }
        : {
            key: slice.month,
            label: `${monthLabel(slice.month)} (whole month)`,
            sortKey: `${slice.month}-00`,
          };
    case "week": {
      if (slice.granularity === "month") {
        return {
          key: slice.month,
          label: `${monthLabel(slice.month)} (whole month)`,
          sortKey: `${slice.month}-00`,
        };
      }
      const week = isoWeek(slice.date);
      return { key: week, label: week, sortKey: slice.date };
    }
    case "source":
      return {
        key: slice.source,
        label: slice.source === "kdp" ? "Amazon KDP" : slice.source === "gumroad" ? "Gumroad" : slice.source,
        sortKey: slice.source,
      };
    case "marketplace": {
      const m = slice.marketplace ?? (slice.source === "gumroad" ? "gumroad.com" : "unknown");
      return { key: m, label: m, sortKey: m };
    }
    case "format":
      return { key: slice.format, label: slice.format, sortKey: slice.format };
    case "currency": {
      const c = slice.currency ?? "none";
      return { key: c, label: c, sortKey: c };
    }
    case "product": {
      const id = slice.productId ?? "unknown";
      return { key: id, label: slice.title ?? id, sortKey: id };
    }
    case "book": {
      const key = bookKey(slice.title, slice.author, slice.productId ?? "unknown");
      return {
        key,
        label: slice.title ? mainTitle(slice.title) : (slice.productId ?? "unknown"),
        sortKey: key,
      };
    }
  }
}

function emptyUnits(): Units {
  return { sold: 0, free: 0, refunded: 0, net: 0 };
}

function newAccumulator(group: { key: string; label: string; sortKey: string }): Accumulator {
  return {
    ...group,
    labelRank: -1,
    units: emptyUnits(),
    kenpPages: 0,
    royalties: new Map(),
    statuses: new Set(),
    netUnitsByMonth: new Map(),
    convertedMicros: 0,
    unconverted: false,
  };
}

function royaltiesObject(map: Map<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const currency of [...map.keys()].sort()) {
    const micros = map.get(currency)!;
    if (micros !== 0) out[currency] = formatMicros(micros);
  }
  return out;
}

export function computeReport(
  slices: SalesSlice[],
  options: { period: Period; groupBy: GroupBy; sources: string[]; converter?: Converter },
): Report {
  const converter = options.converter;
  const rateSources = new Set<RateSource>();
  const missingRates = new Set<string>();
  const groups = new Map<string, Accumulator>();
  const totals = newAccumulator({ key: "total", label: "Total", sortKey: "" });
  const wholeMonths = new Set<string>();
  const coarseMonths = new Set<string>();
  const { from, to } = options.period;

  for (const slice of slices) {
    if (slice.granularity === "month") {
      if (from > `${slice.month}-01` || to < monthEnd(slice.month)) wholeMonths.add(slice.month);
      if (options.groupBy === "day" || options.groupBy === "week") coarseMonths.add(slice.month);
    }
    const g = groupOf(slice, options.groupBy);
    let acc = groups.get(g.key);
    if (!acc) {
      acc = newAccumulator(g);
      groups.set(g.key, acc);
    }
    // Titles change between downloads: the newest row names a product or book.
    if ((options.groupBy === "product" || options.groupBy === "book") && slice.newest > acc.labelRank) {
      acc.label = g.label;
      acc.labelRank = slice.newest;
    }
    const conversion = converter && slice.royaltyMicros !== 0 ? converter.convert(slice) : null;
    if (conversion) rateSources.add(conversion.source);
    else if (converter && slice.royaltyMicros !== 0)
      missingRates.add(`${slice.currency ?? "?"} in ${slice.month}`);
    for (const target of [acc, totals]) {
      if (conversion) target.convertedMicros += conversion.micros;
      else if (converter && slice.royaltyMicros !== 0) target.unconverted = true;
      target.units.sold += slice.unitsSold;
      target.units.refunded += slice.unitsRefunded;
      target.units.free += slice.unitsFree;
      target.kenpPages += slice.kenpPages;
      if (slice.currency && slice.royaltyMicros !== 0) {
        target.royalties.set(
          slice.currency,
          (target.royalties.get(slice.currency) ?? 0) + slice.royaltyMicros,
        );
      }
      target.statuses.add(slice.status);
      const net = slice.unitsSold - slice.unitsRefunded;
      target.netUnitsByMonth.set(slice.month, (target.netUnitsByMonth.get(slice.month) ?? 0) + net);
    }
  }

  const convertedOf = (acc: Accumulator): ConvertedAmount | null =>
    converter && !acc.unconverted
      ? {
          currency: converter.currency,
          amount: formatMicrosFixed(acc.convertedMicros, 2),
          rates: describeRates(rateSources),
        }
      : null;
  const finishUnits = (u: Units): Units => ({ ...u, net: u.sold - u.refunded });
  const status = (set: Set<string>): ReportRow["status"] =>
    set.size === 1 && set.has("final") ? "final" : set.has("final") ? "mixed" : "estimate";
  const trendMonths =
    TIME_GROUPS.has(options.groupBy) || options.period.from === "0000-01-01"
      ? null
      : monthsOf(options.period);
  const rows: ReportRow[] = [...groups.values()]
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0))
    .map((acc) => ({
      key: acc.key,
      label: acc.label,
      units: finishUnits(acc.units),
      kenpPages: acc.kenpPages,
      royalties: royaltiesObject(acc.royalties),
      converted: convertedOf(acc),
      status: status(acc.statuses),
      ...(trendMonths
        ? {
            trend: {
              by: "month" as const,
              months: trendMonths,
              netUnits: trendMonths.map((m) => acc.netUnitsByMonth.get(m) ?? 0),
            },
          }
        : {}),
    }));

  const warnings: string[] = [];
  if (converter) {
    warnings.push(
      `Amounts in ${converter.currency} are estimates converted with ${describeRates(rateSources)}.`,
    );
    if (missingRates.size > 0) {
      warnings.push(
        `No ${converter.currency} rate for ${[...missingRates].sort().join(", ")}: rows that need one show no converted amount. Run \`authorstack rates update\` (or \`rates import <file>\`).`,
      );
    }
  }
  if (wholeMonths.size > 0) {
    warnings.push(
      `KDP figures for ${[...wholeMonths].sort().join(", ")} are known only by month: the period cuts through ${wholeMonths.size === 1 ? "that month" : "those months"}, so the whole month is included.`,
    );
  }
  if (coarseMonths.size > 0) {
    warnings.push(
      `KDP figures for ${[...coarseMonths].sort().join(", ")} cannot be split into ${options.groupBy === "day" ? "days" : "weeks"}: they are shown under their month.`,
    );
  }

  return {
    period: { from: options.period.from, to: options.period.to },
    groupBy: options.groupBy,
    currency: converter?.currency ?? null,
    sources: options.sources,
    rows,
    totals: {
      units: finishUnits(totals.units),
      kenpPages: totals.kenpPages,
      royalties: royaltiesObject(totals.royalties),
      converted: convertedOf(totals),
    },
    warnings,
  };
}
