import { existsSync } from "node:fs";
import type { Deps } from "../deps.js";
import { UsageError } from "../errors.js";
import { computeReport } from "../report/compute.js";
import { resolvePeriod } from "../report/period.js";
import { GROUP_BY_VALUES, type GroupBy, type Report } from "../report/types.js";
import { openDatabase } from "../store/db.js";
import { querySales } from "../store/report.js";

export interface ReportOptions {
  from?: string;
  to?: string;
  last?: string;
  by?: string;
  sources?: string[];
  book?: string;
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
  if (!existsSync(deps.home.database)) {
    const empty = computeReport([], { period, groupBy, sources });
    empty.warnings.push(
      "No sales are stored yet: run `authorstack import kdp <file>` or `authorstack sync gumroad` first.",
    );
    return empty;
  }
  const db = openDatabase(deps.home.database);
  try {
    const slices = querySales(db, { from: period.from, to: period.to, sources, book: options.book ?? null });
    return computeReport(slices, { period, groupBy, sources });
  } finally {
    db.close();
  }
}
