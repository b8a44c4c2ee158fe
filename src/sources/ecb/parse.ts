import yauzl from "yauzl";
import { InputError } from "../../errors.js";

/**
 * The European Central Bank's euro reference rates, as published: `eurofxref-hist.csv` (one row per
 * TARGET day since 1999, `Date,USD,JPY,…` with `N/A` where a currency was not quoted), the daily
 * `eurofxref.csv` (`Date, USD, JPY, …` with a date like "04 December 2026"), or either inside the
 * ZIP files the ECB serves. Rates are units of the currency per 1 EUR, kept as the exact text.
 */
export interface EcbRate {
  date: string;
  currency: string;
  rate: string;
}

const MONTHS: Record<string, string> = {
  january: "01",
  february: "02",
  march: "03",
  april: "04",
  may: "05",
  june: "06",
  july: "07",
  august: "08",
  september: "09",
  october: "10",
  november: "11",
  december: "12",
};

function ecbDate(text: string): string | null {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return t;
  const m = /^(\d{1,2}) ([A-Za-z]+) (\d{4})$/.exec(t);
  const month = m ? MONTHS[m[2]!.toLowerCase()] : undefined;
  return m && month ? `${m[3]}-${month}-${m[1]!.padStart(2, "0")}` : null;
}

export function parseEcbCsv(text: string, source: string): EcbRate[] {
  const lines = text
    .replace(/^\ufeff/, "")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  const header = lines[0]?.split(",").map((h) => h.trim());
  if (header?.[0] !== "Date" || header.length < 2) {
    throw new InputError(`${source}: not an ECB reference-rate file (the first column must be "Date").`, {
      hint: "Use eurofxref-hist.zip or eurofxref-hist.csv from the ECB's euro reference rates page.",
    });
  }
  const rates: EcbRate[] = [];
  lines.slice(1).forEach((line, index) => {
    const cells = line.split(",");
    const date = ecbDate(cells[0] ?? "");
    if (!date) throw new InputError(`${source}, row ${index + 2}: "${cells[0]}" is not a date.`);
    for (let c = 1; c < header.length; c++) {
      const currency = header[c]!;
      const value = cells[c]?.trim() ?? "";
      if (!/^[A-Z]{3}$/.test(currency) || value === "" || value === "N/A") continue;
      if (!/^\d+(\.\d+)?$/.test(value) || Number(value) === 0) {
        throw new InputError(`${source}, row ${index + 2}, column "${currency}": "${value}" is not a rate.`);
      }
      rates.push({ date, currency, rate: value });
    }
  });
  if (rates.length === 0) throw new InputError(`${source}: no rates in the file.`);
  return rates;
}

const MAX_CSV_BYTES = 64 * 1024 * 1024;

/** The CSV inside an ECB ZIP download (a ZIP bomb or a ZIP without a CSV is refused). */
export function csvFromZip(bytes: Buffer, source: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (what: string) => reject(new InputError(`${source}: ${what}`));
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return fail(`not a readable ZIP file (${err?.message ?? "empty"})`);
      let found = false;
      zip.on("entry", (entry: yauzl.Entry) => {
        if (!entry.fileName.toLowerCase().endsWith(".csv")) return zip.readEntry();
        found = true;
        if (entry.uncompressedSize > MAX_CSV_BYTES) return fail(`${entry.fileName} is implausibly large`);
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr || !stream) return fail(`cannot read ${entry.fileName}`);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("error", (e: Error) => fail(`damaged ZIP entry ${entry.fileName}: ${e.message}`));
          stream.on("end", () => {
            zip.close();
            resolve(Buffer.concat(chunks).toString("utf8"));
          });
        });
      });
      zip.on("end", () => {
        if (!found) fail("the ZIP file holds no CSV file");
      });
      zip.on("error", (e: Error) => fail(`damaged ZIP file: ${e.message}`));
      zip.readEntry();
    });
  });
}

/** Rates from the bytes of a download or a file: a ZIP or a CSV. */
export async function parseEcbBytes(bytes: Buffer, source: string): Promise<EcbRate[]> {
  const isZip = bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;
  return parseEcbCsv(isZip ? await csvFromZip(bytes, source) : bytes.toString("utf8"), source);
}
