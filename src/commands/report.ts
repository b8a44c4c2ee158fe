import { existsSync } from "node:fs";
import type { Deps } from "../deps.js";
import { UsageError } from "../errors.js";
import { computeReport } from "../report/compute.js";
import { type Converter, makeConverter } from "../report/convert.js";
import { isoDay, resolvePeriod } from "../report/period.js";
import { GROUP_BY_VALUES, type GroupBy, type Report } from "../report/types.js";
import { openDatabase } from "../store/db.js";
import { loadRateTables } from "../store/rates.js";
import { querySales } from "../store/report.js";

export interface ReportOptions {
  from?: string;
  to?: string;
  last?: string;
  by?: string;
  sources?: string[];
  book?: string;
  /** Also convert every amount into this currency (ISO code) with the stored rates. */
  currency?: string;
}

const SOURCES = ["kdp", "gumroad"];

/** `authorstack report`: the figures of a period, grouped. Returns data; renderers print it. */
export async function runReport(options: ReportOptions, deps: Deps): Promise<Report> {
  const period = resolvePeriod(options, deps.now());
  const groupBy = (options.by ?? "month") as GroupBy;
  if (!GROUP_BY_VALUES.includes(groupBy)) {
    throw new UsageError(`--by "${options.by}" is not a grouping`, {
      hint: `Use one of: ${GROUP_BY_VALUES.join(", ")}.`,
    });
  }
  const sources = [...new Set(options.sources ?? [])];
  for (const source of sources) {
    if (!SOURCES.includes(source)) {
      throw new UsageError(`--source "${source}" is not a source`, {
        hint: `Use one of: ${SOURCES.join(", ")}.`,
      });
    }
  }
  const currency = options.currency?.trim().toUpperCase();
  if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) {
    throw new UsageError(`--currency "${options.currency}" is not a currency code`, {
      hint: "Use a three-letter ISO code such as USD, EUR or GBP.",
    });
  }
  if (!existsSync(deps.home.database)) {
    const empty = computeReport([], { period, groupBy, sources });
    empty.currency = currency ?? null;
    empty.warnings.push(
      "No sales are stored yet: run `authorstack import kdp <file>` or `authorstack sync gumroad` first.",
    );
    return empty;
  }
  const db = openDatabase(deps.home.database);
  try {
    const slices = querySales(db, { from: period.from, to: period.to, sources, book: options.book ?? null });
    let converter: Converter | undefined;
    if (currency) {
      const needed = new Set<string>([currency]);
      for (const s of slices) if (s.currency) needed.add(s.currency);
      converter = makeConverter(currency, loadRateTables(db, [...needed]), isoDay(deps.now()));
    }
    return computeReport(slices, { period, groupBy, sources, converter });
  } finally {
    db.close();
  }
}
