import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { basename } from "node:path";
import type { Deps } from "../deps.js";
import { AuthorstackError, InputError, inputError, UsageError } from "../errors.js";
import { type Format, SALE_FIELD } from "../model.js";
import { openKdpFile } from "../sources/kdp/open.js";
import { type KdpFileMeta, type KdpSink, parseKdpFile, type ReportKind } from "../sources/kdp/parse.js";
import { parseKdpCsvThreaded, threadedParseAvailable } from "../sources/kdp/threaded.js";
import { XlsxFormatError } from "../sources/kdp/xlsx.js";
import { openDatabase } from "../store/db.js";
import {
  type ClaimOutcome,
  createImport,
  findImportBySha,
  finishImport,
  markKenpMonthly,
  paymentInserter,
  snapshotClaimer,
} from "../store/kdp.js";
import { saleInserter } from "../store/sales.js";
import { ProgressLine } from "../util/progress.js";

export interface ImportKdpOptions {
  files: string[];
  dryRun: boolean;
  /** Show a progress line on stderr (the CLI passes true only on a TTY without --quiet). */
  progress?: boolean;
}

export interface ImportFileResult {
  file: string;
  status: "imported" | "already imported" | "dry run";
  kind: ReportKind | null;
  family: string | null;
  language: string | null;
  snapshotTime: string | null;
  snapshotTimeSource: "workbook" | "file" | null;
  months: string[];
  rowsRead: number;
  rowsStored: number;
  monthsReplaced: string[];
  monthsSkipped: string[];
  warnings: string[];
}

export interface ImportKdpResult {
  dryRun: boolean;
  files: ImportFileResult[];
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/**
 * `authorstack import kdp <file...>`: every file in one transaction (a savepoint each); any bad
 * file rolls everything back, so exit 3 always means nothing was written.
 */
export async function runImportKdp(options: ImportKdpOptions, deps: Deps): Promise<ImportKdpResult> {
  if (options.files.length === 0)
    throw new UsageError("no files given", { hint: "Usage: authorstack import kdp <file...>" });
  const prepared = [];
  for (const path of options.files) prepared.push(await inspect(path));

  const db = openDatabase(deps.home.database);
  const results: ImportFileResult[] = [];
  const progress = options.progress ? new ProgressLine(deps) : null;
  const seenInThisRun = new Set<string>();
  try {
    db.exec("BEGIN IMMEDIATE");
    try {
      for (const file of prepared) {
        if (seenInThisRun.has(file.sha256) || findImportBySha(db, file.sha256)) {
          results.push(alreadyImported(file.path));
          continue;
        }
        seenInThisRun.add(file.sha256);
        db.exec("SAVEPOINT import_file");
        try {
          results.push(await importOne(db, file, deps, options.dryRun, progress));
          db.exec("RELEASE import_file");
        } catch (error) {
          db.exec("ROLLBACK TO import_file");
          db.exec("RELEASE import_file");
          throw error;
        }
      }
      if (options.dryRun) db.exec("ROLLBACK");
      else db.exec("COMMIT");
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw error;
    }
  } finally {
    progress?.end();
    db.close();
  }
  return { dryRun: options.dryRun, files: results };
}

interface PreparedFile {
  path: string;
  sha256: string;
  container: "xlsx" | "csv";
  mtime: Date;
  size: number;
}

const THREADED_PARSE_BYTES = 8 * 1024 * 1024;

async function inspect(path: string): Promise<PreparedFile> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code === "ENOENT" ? "no such file" : `cannot read (${code})`}`);
  }
  if (info.isDirectory()) throw new InputError(`${path}: is a folder, not a report file`);
  const head = Buffer.alloc(8);
  const handle = await open(path, "r");
  try {
    await handle.read(head, 0, 8, 0);
  } finally {
    await handle.close();
  }
  if (head.subarray(0, 4).equals(OLE_MAGIC)) {
    throw inputError(
      { file: path },
      "this is an old Excel .xls file (KDP reports from before 2016 or a re-save in Excel 97-2003 format), which AuthorStack does not read",
      "Open it in a spreadsheet program and save it as .xlsx or CSV, then import that file.",
    );
  }
  if (info.size === 0) throw inputError({ file: path }, "the file is empty");
  const container = head.subarray(0, 4).equals(ZIP_MAGIC) ? "xlsx" : "csv";
  return { path, sha256: await sha256File(path), container, mtime: info.mtime, size: info.size };
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}

function alreadyImported(path: string): ImportFileResult {
  return {
    file: path,
    status: "already imported",
    kind: null,
    family: null,
    language: null,
    snapshotTime: null,
    snapshotTimeSource: null,
    months: [],
    rowsRead: 0,
    rowsStored: 0,
    monthsReplaced: [],
    monthsSkipped: [],
    warnings: [],
  };
}

async function importOne(
  db: ReturnType<typeof openDatabase>,
  file: PreparedFile,
  deps: Deps,
  dryRun: boolean,
  progress: ProgressLine | null,
): Promise<ImportFileResult> {
  // A large CSV is parsed on a worker thread so that parsing overlaps with the inserts; a workbook
  // (a few MB at most from KDP) is parsed in-process, where its creation time is read too.
  const threaded = file.container === "csv" && file.size >= THREADED_PARSE_BYTES && threadedParseAvailable();
  const opened = threaded
    ? null
    : await openKdpFile(file.path, file.container).catch(asInputError(file.path));
  try {
    const snapshot = opened?.created ?? file.mtime;
    const snapshotTimeSource: "workbook" | "file" = opened?.created ? "workbook" : "file";
    const snapshotTime = snapshot.toISOString();
    const importId = createImport(db, {
      fileName: basename(file.path),
      sha256: file.sha256,
      snapshotTime,
      snapshotTimeSource,
      importedAt: deps.now().toISOString(),
    });

    const claim = snapshotClaimer(db, importId, snapshotTime);
    const sales = saleInserter(db);
    const insertPayment = paymentInserter(db);
    const outcomes = new Map<string, ClaimOutcome>();
    const claimed = new Map<string, Map<string, boolean>>();
    let meta: KdpFileMeta | null = null;
    let rowsStored = 0;
    const months = new Set<string>();
    /** Days of daily rows per month: a few days' download replacing a whole month deserves a word. */
    const dailyDays = new Map<string, Set<string>>();
    let rowsSeen = 0;
    const name = basename(file.path);
    const tick = () => {
      if (progress && ++rowsSeen % 1024 === 0)
        progress.update(() => `${name}: ${rowsSeen.toLocaleString("en-US")} rows`);
    };
    const noteDay = (granularity: string, date: string) => {
      if (granularity !== "day") return;
      const month = date.slice(0, 7);
      let days = dailyDays.get(month);
      if (!days) {
        days = new Set();
        dailyDays.set(month, days);
      }
      days.add(date);
    };

    const claimKind = (kind: Format | "payments", month: string): boolean => {
      let byMonth = claimed.get(kind);
      if (!byMonth) {
        byMonth = new Map();
        claimed.set(kind, byMonth);
      }
      let ok = byMonth.get(month);
      if (ok === undefined) {
        const outcome = claim(meta!.family, kind, month);
        ok = outcome !== "skipped";
        byMonth.set(month, ok);
        const previous = outcomes.get(month);
        // A month counts as skipped only when every kind of it was skipped.
        if (previous === undefined || previous === "skipped" || outcome === "replaced")
          outcomes.set(month, outcome);
      }
      return ok;
    };

    const sink: KdpSink = {
      start(m) {
        meta = m;
      },
      month(month) {
        months.add(month);
        if (meta!.family === "payments") claimKind("payments", month);
        for (const kind of meta!.heldKinds) claimKind(kind, month);
      },
      sale(record) {
        tick();
        noteDay(record.granularity, record.date);
        if (claimKind(record.format, record.date.slice(0, 7))) {
          sales.insert(record, importId);
          rowsStored++;
        }
      },
      saleEncoded(values, offset) {
        tick();
        const format = values[offset + SALE_FIELD.format] as Format;
        const date = values[offset + SALE_FIELD.date] as string;
        noteDay(values[offset + SALE_FIELD.granularity] as string, date);
        if (claimKind(format, date.slice(0, 7))) {
          sales.insertEncoded(values, offset, importId);
          rowsStored++;
        }
      },
      payment(row) {
        if (claimKind("payments", row.month)) {
          insertPayment(row, importId);
          rowsStored++;
        }
      },
    };

    const parsed = opened
      ? await parseKdpFile(opened.input, sink)
      : await parseKdpCsvThreaded(file.path, sink);
    if (parsed.kenpMonthly) markKenpMonthly(db, importId);
    const sortedMonths = [...months].sort();
    finishImport(db, importId, {
      reportKind: parsed.reportKind,
      family: parsed.family,
      language: parsed.language ?? "unknown",
      months: sortedMonths,
      rowsRead: parsed.rowsRead,
      rowsStored,
    });
    return {
      file: file.path,
      status: dryRun ? "dry run" : "imported",
      kind: parsed.reportKind,
      family: parsed.family,
      language: parsed.language,
      snapshotTime,
      snapshotTimeSource,
      months: sortedMonths,
      rowsRead: parsed.rowsRead,
      rowsStored,
      monthsReplaced: sortedMonths.filter((m) => outcomes.get(m) === "replaced"),
      monthsSkipped: sortedMonths.filter((m) => outcomes.get(m) === "skipped"),
      warnings: [...parsed.warnings, ...partialMonthWarnings(sortedMonths, outcomes, dailyDays)],
    };
  } catch (error) {
    return asInputError(file.path)(error);
  } finally {
    opened?.close();
  }
}

/**
 * KDP snapshots are by month, so a download of a few days replaces the whole month stored before:
 * right for a month-to-date download, surprising for a one-day one. Say so when it happens.
 */
function partialMonthWarnings(
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

/** XLSX container damage is bad input of that file; anything else passes through unchanged. */
function asInputError(path: string) {
  return (error: unknown): never => {
    if (error instanceof AuthorstackError) throw error;
    if (error instanceof XlsxFormatError) throw inputError({ file: path }, error.message);
    throw error;
  };
}
