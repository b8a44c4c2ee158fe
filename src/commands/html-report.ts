/**
 * `report --html FILE` and `report --open`: the report as one standalone HTML page. The figures come
 * from runReport (the same period and filters as the table), asked three ways: as the user grouped
 * them, over time (the chart), and per book.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Deps } from "../deps.js";
import { InputError, UsageError } from "../errors.js";
import type { ReportBundle } from "../report/present.js";
import { renderHtmlReport } from "../report/render-html.js";
import type { GroupBy } from "../report/types.js";
import { VERSION } from "../version.js";
import { type ReportOptions, runReport } from "./report.js";

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The report as asked, plus the chart's time series and the per-book view, for the same period and filters. */
export async function buildReportBundle(options: ReportOptions, deps: Deps): Promise<ReportBundle> {
  const report = await runReport(options, deps);
  const same: ReportOptions = { ...options, last: undefined, from: report.period.from, to: report.period.to };
  const span = daysBetween(report.period.from, report.period.to);
  let unit: GroupBy = span <= 62 ? "day" : "month";
  let timeline = report.groupBy === unit ? report : await runReport({ ...same, by: unit }, deps);
  if (unit === "month" && timeline.rows.length > 60) {
    unit = "year";
    timeline = report.groupBy === unit ? report : await runReport({ ...same, by: unit }, deps);
  }
  const books = report.groupBy === "book" ? undefined : await runReport({ ...same, by: "book" }, deps);
  return { report, timeline, books };
}

export interface HtmlReportOptions extends ReportOptions {
  /** Where to write the page; "-" writes it to stdout (returned as `html`). */
  file?: string;
  /** Write to a temporary file (unless `file` is given) and open it in the browser. */
  open?: boolean;
  /** Whether a browser may be opened (a TTY session, or AUTHORSTACK_BROWSER set). */
  interactive?: boolean;
}

export interface HtmlReportResult {
  file: string | null;
  bytes: number;
  opened: boolean;
  /** The page itself when written to stdout. */
  html: string | null;
  period: { from: string; to: string };
}

export async function runHtmlReport(options: HtmlReportOptions, deps: Deps): Promise<HtmlReportResult> {
  if (!options.file && !options.open) throw new UsageError("--html needs a file name (or use --open).");
  if (options.file === "-" && options.open)
    throw new UsageError("--open cannot be combined with --html - (stdout).");
  const bundle = await buildReportBundle(options, deps);
  const html = renderHtmlReport(bundle, { version: VERSION });
  const bytes = Buffer.byteLength(html);
  const period = bundle.report.period;
  if (options.file === "-") return { file: null, bytes, opened: false, html, period };

  let file: string;
  if (options.file) {
    file = resolve(options.file);
    try {
      writeFileSync(file, html, { mode: 0o600 });
    } catch (error) {
      throw new InputError(
        `cannot write the HTML report to ${file}: ${(error as NodeJS.ErrnoException).message}`,
        {
          hint: "Give a file in a folder that exists and that you can write to.",
        },
      );
    }
  } else {
    // Sales figures are private: a new folder of our own per report (mkdtemp: mode 0700, never one
    // another user of the machine created first), files readable only by the user.
    try {
      const dir = mkdtempSync(join(tmpdir(), "authorstack-"));
      file = join(dir, `report-${period.from}_${period.to}.html`);
      writeFileSync(file, html, { mode: 0o600 });
    } catch (error) {
      throw new InputError(
        `cannot write the HTML report in the temporary folder ${tmpdir()}: ${(error as Error).message}`,
        { hint: "Set TMPDIR to a folder you can write to, or give the file with --html FILE." },
      );
    }
  }
  let opened = false;
  if (options.open && (options.interactive || deps.env.AUTHORSTACK_BROWSER)) {
    await deps.openBrowser(pathToFileURL(file).href);
    opened = true;
  }
  return { file, bytes, opened, html: null, period };
}
