import { csvSheet, sniffCsv } from "./csv.js";
import { type KdpFile, type KdpParseResult, type KdpSink, parseKdpFile } from "./parse.js";
import { XlsxWorkbook } from "./xlsx.js";

export type Container = "xlsx" | "csv";

export interface OpenedKdpFile {
  input: KdpFile;
  /** The workbook's own creation time (docProps/core.xml), when it has one. */
  created: Date | null;
  close(): void;
}

/** Opens a KDP report file as sheets of rows: an XLSX workbook, or one sheet re-saved as CSV/TSV. */
export async function openKdpFile(path: string, container: Container): Promise<OpenedKdpFile> {
  if (container === "xlsx") {
    const wb = await XlsxWorkbook.open(path);
    return {
      input: {
        file: path,
        container,
        numberStyle: "point",
        sheets: wb.sheets.map((sheet) => ({ name: sheet.name, rowBatches: () => wb.rowBatches(sheet) })),
      },
      created: wb.created,
      close: () => wb.close(),
    };
  }
  const sniff = await sniffCsv(path);
  return {
    input: { file: path, container, numberStyle: sniff.numberStyle, sheets: [csvSheet(path, sniff)] },
    created: null,
    close: () => {},
  };
}

/** Opens, parses into the sink, and closes. */
export async function parseKdpPath(
  path: string,
  container: Container,
  sink: KdpSink,
): Promise<KdpParseResult> {
  const opened = await openKdpFile(path, container);
  try {
    return await parseKdpFile(opened.input, sink);
  } finally {
    opened.close();
  }
}
