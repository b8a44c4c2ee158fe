import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { basename } from "node:path";
import type { Deps } from "../deps.js";
import { AuthorstackError, InputError, inputError, UsageError } from "../errors.js";
import { openKdpFile } from "../sources/kdp/open.js";
import { parseKdpFile, type ReportKind } from "../sources/kdp/parse.js";
import { parseKdpCsvThreaded, threadedParseAvailable } from "../sources/kdp/threaded.js";
import { XlsxFormatError } from "../sources/kdp/xlsx.js";
import { openDatabase } from "../store/db.js";
import { createImport, findImportBySha, finishImport, markKenpMonthly } from "../store/kdp.js";
import { ProgressLine } from "../util/progress.js";
import { partialMonthWarnings, SnapshotSink } from "./import-sink.js";

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

    const store = new SnapshotSink(db, importId, snapshotTime, progress, basename(file.path));
    const sink = store.sink;

    const parsed = opened
      ? await parseKdpFile(opened.input, sink)
      : await parseKdpCsvThreaded(file.path, sink);
    if (parsed.kenpMonthly) markKenpMonthly(db, importId);
    const sortedMonths = [...store.months].sort();
    finishImport(db, importId, {
      reportKind: parsed.reportKind,
      family: parsed.family,
      language: parsed.language ?? "unknown",
      months: sortedMonths,
      rowsRead: parsed.rowsRead,
      rowsStored: store.rowsStored,
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
      rowsStored: store.rowsStored,
      monthsReplaced: sortedMonths.filter((m) => store.outcomes.get(m) === "replaced"),
      monthsSkipped: sortedMonths.filter((m) => store.outcomes.get(m) === "skipped"),
      warnings: [...parsed.warnings, ...partialMonthWarnings(sortedMonths, store.outcomes, store.dailyDays)],
    };
  } catch (error) {
    return asInputError(file.path)(error);
  } finally {
    opened?.close();
  }
}

/** XLSX container damage is bad input of that file; anything else passes through unchanged. */
function asInputError(path: string) {
  return (error: unknown): never => {
    if (error instanceof AuthorstackError) throw error;
    if (error instanceof XlsxFormatError) throw inputError({ file: path }, error.message);
    throw error;
  };
}
