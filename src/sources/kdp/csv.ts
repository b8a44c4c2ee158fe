import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { Transform } from "node:stream";
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
  const parsed = Papa.parse<string[]>(text, { delimitersToGuess: [",", ";", "\t", "|"], skipEmptyLines: true });
  const delimiter = parsed.meta.delimiter || ",";
  return { encoding, delimiter, numberStyle: sniffNumberStyle(parsed.data, delimiter) };
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
      if (/^-?\d{1,3}(?:\.\d{3})*,\d+$/.test(cell) || /^-?\d+,\d{1,2}$/.test(cell)) comma++;
      else if (/^-?\d+\.\d+$/.test(cell)) point++;
    }
  }
  if (comma > point) return "comma";
  if (point > 0) return "point";
  return delimiter === ";" ? "comma" : "point";
}

function decoder(encoding: CsvSniff["encoding"]): Transform {
  const textDecoder = new TextDecoder(encoding);
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _enc, done) {
      done(null, textDecoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, textDecoder.decode());
    },
  });
}

export function csvSheet(path: string, sniff: CsvSniff): KdpSheet {
  return {
    name: null,
    rows: () => csvRows(path, sniff),
  };
}

async function* csvRows(path: string, sniff: CsvSniff): AsyncGenerator<SheetRow> {
  const source = createReadStream(path, { highWaterMark: 256 * 1024 });
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter: sniff.delimiter }) as unknown as NodeJS.ReadWriteStream;
  const rows = source.pipe(decoder(sniff.encoding)).pipe(parser);
  let number = 0;
  try {
    for await (const values of rows as AsyncIterable<string[]>) {
      number++;
      if (values.length === 1 && values[0] === "") continue;
      yield { number, cells: values.map((value) => ({ value, numeric: false })) };
    }
  } finally {
    source.destroy();
    (rows as unknown as { destroy?: () => void }).destroy?.();
  }
}
