import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import Papa from "papaparse";
import type { KdpSheet } from "./parse.js";
import type { NumberStyle } from "./values.js";
import type { SheetRow } from "./xlsx.js";

/**
 * A KDP sheet that someone re-saved as CSV/TSV in a spreadsheet program: the encoding (UTF-8 with or
 * without BOM, UTF-16, Windows-1252), the delimiter (comma, semicolon, tab) and the number style
 * (decimal point or comma) are sniffed from the first 64 KiB; then rows are streamed with papaparse.
 */

export interface CsvSniff {
  encoding: "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";
  delimiter: string;
  newline: "\r\n" | "\n" | "\r";
  numberStyle: NumberStyle;
}

const SAMPLE_BYTES = 64 * 1024;

export async function sniffCsv(path: string): Promise<CsvSniff> {
  const handle = await open(path, "r");
  let sample: Buffer;
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
    sample = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const encoding = sniffEncoding(sample);
  let text = new TextDecoder(encoding).decode(sample);
  // The sample may end inside a line: drop the partial last line.
  const lastBreak = text.lastIndexOf("\n");
  if (lastBreak > 0 && sample.length === SAMPLE_BYTES) text = text.slice(0, lastBreak);
  const parsed = Papa.parse<string[]>(text, {
    delimitersToGuess: [",", ";", "\t", "|"],
    skipEmptyLines: true,
  });
  const delimiter = parsed.meta.delimiter || ",";
  const newline = text.includes("\r\n") ? "\r\n" : text.includes("\n") || !text.includes("\r") ? "\n" : "\r";
  return { encoding, delimiter, newline, numberStyle: sniffNumberStyle(parsed.data, delimiter) };
}

function sniffEncoding(sample: Buffer): CsvSniff["encoding"] {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return "utf-8";
  if (sample[0] === 0xff && sample[1] === 0xfe) return "utf-16le";
  if (sample[0] === 0xfe && sample[1] === 0xff) return "utf-16be";
  let zeroOdd = 0;
  let zeroEven = 0;
  const probe = Math.min(sample.length, 4096);
  for (let i = 0; i < probe; i++) {
    if (sample[i] === 0) {
      if (i % 2 === 1) zeroOdd++;
      else zeroEven++;
    }
  }
  if (zeroOdd > probe / 8) return "utf-16le";
  if (zeroEven > probe / 8) return "utf-16be";
  try {
    // A multi-byte character may be cut at the sample's end: ignore the last 3 bytes.
    new TextDecoder("utf-8", { fatal: true }).decode(sample.subarray(0, Math.max(0, sample.length - 3)));
    return "utf-8";
  } catch {
    return "windows-1252";
  }
}

function sniffNumberStyle(rows: string[][], delimiter: string): NumberStyle {
  let comma = 0;
  let point = 0;
  for (const row of rows.slice(0, 200)) {
    for (const raw of row) {
      const cell = raw.replace(/[^\d.,-]/g, "");
      // "2.000" may be two thousand (comma style) or two (point style): it is no evidence either way.
      if (/^-?\d{1,3}(?:\.\d{3})+$/.test(cell)) continue;
      if (/^-?\d{1,3}(?:\.\d{3})*,\d+$/.test(cell) || /^-?\d+,\d{1,2}$/.test(cell)) comma++;
      else if (/^-?\d+\.\d+$/.test(cell)) point++;
    }
  }
  if (comma > point) return "comma";
  if (point > 0) return "point";
  return delimiter === ";" ? "comma" : "point";
}

export function csvSheet(path: string, sniff: CsvSniff): KdpSheet {
  return {
    name: null,
    rowBatches: () => csvRowBatches(path, sniff),
  };
}

/**
 * Rows in batches. Each decoded chunk is cut at its last line break outside quotes and that text is
 * parsed in one synchronous papaparse call: far cheaper per row than a row-at-a-time stream.
 */
async function* csvRowBatches(path: string, sniff: CsvSniff): AsyncGenerator<SheetRow[]> {
  const source = createReadStream(path, { highWaterMark: 256 * 1024 });
  const textDecoder = new TextDecoder(sniff.encoding);
  let carry = "";
  let number = 0;
  const parse = (text: string): SheetRow[] => {
    const rows: SheetRow[] = [];
    for (const values of Papa.parse<string[]>(text, { delimiter: sniff.delimiter, newline: sniff.newline })
      .data) {
      number++;
      if (values.length === 1 && values[0] === "") continue;
      rows.push({ number, cells: values, numeric: null });
    }
    return rows;
  };
  try {
    for await (const chunk of source) {
      const text = carry + textDecoder.decode(chunk as Buffer, { stream: true });
      const cut = lastRecordBreak(text);
      if (cut < 0) {
        carry = text;
        continue;
      }
      carry = text.slice(cut + 1);
      const rows = parse(text.slice(0, text.charCodeAt(cut - 1) === 13 ? cut - 1 : cut));
      if (rows.length > 0) yield rows;
    }
    const rest = carry + textDecoder.decode();
    if (rest.trim() !== "") yield parse(rest.replace(/\r?\n$/, ""));
  } finally {
    source.destroy();
  }
}

/** Index of the last "\n" that ends a record (an even number of quotes before it), or -1. */
function lastRecordBreak(text: string): number {
  let quotes = 0;
  let last = -1;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) quotes++;
  // Walk back from the end, undoing quotes we pass, until a newline sits at even parity.
  for (let i = text.length - 1; i >= 0; i--) {
    const ch = text.charCodeAt(i);
    if (ch === 34) quotes--;
    else if (ch === 10 && quotes % 2 === 0) {
      last = i;
      break;
    }
  }
  return last;
}
