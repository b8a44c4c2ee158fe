import type { Readable } from "node:stream";
import { SaxesParser } from "saxes";
import yauzl from "yauzl";

/**
 * A small streaming reader for the XLSX workbooks KDP produces (Apache POI SXSSF): yauzl reads the
 * ZIP, saxes streams each sheet's XML, and rows come out one at a time. Written for these files'
 * quirks: every sheet declares `<dimension ref="A1"/>` (ignored: cells are placed by their `r`
 * attribute), text is in inline strings, numbers are `<v>` text that we never turn into floats.
 * ExcelJS's streaming reader drops inline strings, and SheetJS (`xlsx` on npm) is abandoned there.
 *
 * Zip bombs: entry sizes are capped, the compression ratio is capped, and yauzl checks that each
 * entry inflates to exactly its declared size.
 */

export interface SheetRow {
  /** 1-based row number as in the spreadsheet. */
  number: number;
  /** Each cell's text: the string, or the number exactly as written in the XML. */
  cells: (string | undefined)[];
  /** Columns holding numeric cells (exact number text); null when every cell is text (CSV). */
  numeric: boolean[] | null;
}

export interface SheetInfo {
  name: string;
  path: string;
}

export class XlsxFormatError extends Error {}

const MAX_ENTRY_BYTES = 512 * 1024 * 1024;
const MAX_TOTAL_BYTES = 1024 * 1024 * 1024;
const MAX_RATIO = 200;
const SMALL_PART_BYTES = 16 * 1024 * 1024;

export class XlsxWorkbook {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly entries: Map<string, yauzl.Entry>,
    readonly sheets: SheetInfo[],
    /** docProps/core.xml dcterms:created, when present. */
    readonly created: Date | null,
    private readonly sharedStrings: string[],
  ) {}

  static async open(path: string): Promise<XlsxWorkbook> {
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, file) =>
        err ? reject(new XlsxFormatError(`not a readable XLSX (ZIP) file: ${err.message}`)) : resolve(file!),
      ),
    );
    try {
      const entries = await readEntries(zip);
      const workbook = new XlsxWorkbook(zip, entries, [], null, []);
      const sheets = await workbook.readSheetList();
      const created = await workbook.readCreated();
      const shared = entries.has("xl/sharedStrings.xml") ? await workbook.readSharedStrings() : [];
      return new XlsxWorkbook(zip, entries, sheets, created, shared);
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  close(): void {
    this.zip.close();
  }

  private async readSmallPart(name: string): Promise<string | null> {
    const entry = this.entries.get(name);
    if (!entry) return null;
    if (entry.uncompressedSize > SMALL_PART_BYTES) throw new XlsxFormatError(`${name} is implausibly large`);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.openStream(entry)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  private openStream(entry: yauzl.Entry): Promise<Readable> {
    return new Promise((resolve, reject) =>
      this.zip.openReadStream(entry, (err, stream) =>
        err ? reject(new XlsxFormatError(`cannot read ${entry.fileName}: ${err.message}`)) : resolve(stream!),
      ),
    );
  }

  private async readSheetList(): Promise<SheetInfo[]> {
    const workbookXml = await this.readSmallPart("xl/workbook.xml");
    if (workbookXml === null)
      throw new XlsxFormatError("no xl/workbook.xml: this ZIP file is not a workbook");
    const relsXml = (await this.readSmallPart("xl/_rels/workbook.xml.rels")) ?? "";
    const targets = new Map<string, string>();
    for (const attrs of elements(relsXml, "Relationship")) {
      if (attrs.Id && attrs.Target) targets.set(attrs.Id, attrs.Target);
    }
    const sheets: SheetInfo[] = [];
    for (const attrs of elements(workbookXml, "sheet")) {
      const id = attrs["r:id"];
      const target = id ? targets.get(id) : undefined;
      if (!attrs.name || !target) continue;
      const path = target.startsWith("/") ? target.slice(1) : `xl/${target.replace(/^\.\//, "")}`;
      sheets.push({ name: attrs.name, path });
    }
    return sheets;
  }

  private async readCreated(): Promise<Date | null> {
    const core = await this.readSmallPart("docProps/core.xml");
    const match = core ? /<dcterms:created[^>]*>([^<]+)<\/dcterms:created>/.exec(core) : null;
    if (!match) return null;
    const date = new Date(match[1]!.trim());
    return Number.isNaN(date.getTime()) ? null : date;
  }

  private async readSharedStrings(): Promise<string[]> {
    const entry = this.entries.get("xl/sharedStrings.xml")!;
    const strings: string[] = [];
    const parser = new SaxesParser();
    let inSi = false;
    let inT = false;
    let inRph = false;
    let text = "";
    parser.on("opentag", (tag) => {
      if (tag.name === "si") {
        inSi = true;
        text = "";
      } else if (tag.name === "rPh") inRph = true;
      else if (tag.name === "t" && inSi && !inRph) inT = true;
    });
    parser.on("text", (t) => {
      if (inT) text += t;
    });
    parser.on("closetag", (tag) => {
      if (tag.name === "t") inT = false;
      else if (tag.name === "rPh") inRph = false;
      else if (tag.name === "si") {
        inSi = false;
        strings.push(text);
      }
    });
    await pump(await this.openStream(entry), parser, () => {});
    return strings;
  }

  /** Streams the rows of one sheet in order, in batches (one per inflated chunk). Empty rows are left out. */
  async *rowBatches(sheet: SheetInfo): AsyncGenerator<SheetRow[]> {
    const entry = this.entries.get(sheet.path);
    if (!entry) throw new XlsxFormatError(`sheet "${sheet.name}" is missing its part ${sheet.path}`);
    const parser = new SaxesParser();
    let ready: SheetRow[] = [];
    let row: SheetRow | null = null;
    let nextRowNumber = 1;
    let cellColumn = 0;
    let nextColumn = 0;
    let cellType = "n";
    let cellText: string | null = null;
    let capture = false;
    let inRph = false;
    parser.on("opentag", (tag) => {
      switch (tag.name) {
        case "row": {
          const r = Number(tag.attributes.r);
          const number = Number.isInteger(r) && r > 0 ? r : nextRowNumber;
          nextRowNumber = number + 1;
          row = { number, cells: [], numeric: null };
          nextColumn = 0;
          break;
        }
        case "c": {
          const ref = tag.attributes.r as string | undefined;
          cellColumn = ref ? columnIndex(ref) : nextColumn;
          nextColumn = cellColumn + 1;
          cellType = (tag.attributes.t as string | undefined) ?? "n";
          cellText = null;
          break;
        }
        case "v":
          capture = true;
          cellText = cellText ?? "";
          break;
        case "rPh":
          inRph = true;
          break;
        case "t":
          if (!inRph) {
            capture = true;
            cellText = cellText ?? "";
          }
          break;
      }
    });
    parser.on("text", (text) => {
      if (capture) cellText += text;
    });
    parser.on("closetag", (tag) => {
      switch (tag.name) {
        case "v":
        case "t":
          capture = false;
          break;
        case "rPh":
          inRph = false;
          break;
        case "c": {
          if (row && cellText !== null) {
            let value = cellText;
            let numeric = false;
            if (cellType === "s") value = this.sharedStrings[Number(cellText)] ?? "";
            else if (cellType === "n") numeric = value.trim() !== "";
            else if (cellType === "b") value = value === "1" ? "TRUE" : "FALSE";
            row.cells[cellColumn] = value;
            if (numeric) {
              row.numeric ??= [];
              row.numeric[cellColumn] = true;
            }
          }
          break;
        }
        case "row":
          if (row && row.cells.length > 0) ready.push(row);
          row = null;
          break;
      }
    });
    const stream = await this.openStream(entry);
    // Decoded as a stream: a chunk may end inside a multi-byte character (accents, Japanese titles).
    stream.setEncoding("utf8");
    try {
      for await (const chunk of stream) {
        parser.write(chunk as string);
        if (ready.length > 0) {
          yield ready;
          ready = [];
        }
      }
      parser.close();
      if (ready.length > 0) yield ready;
    } catch (error) {
      stream.destroy();
      if (error instanceof XlsxFormatError) throw error;
      throw new XlsxFormatError(`sheet "${sheet.name}" is damaged: ${(error as Error).message}`);
    }
  }
}

/** "AB12" → 27 (0-based column index). */
export function columnIndex(ref: string): number {
  let index = 0;
  for (const ch of ref) {
    const code = ch.charCodeAt(0);
    if (code < 65 || code > 90) break;
    index = index * 26 + (code - 64);
  }
  return index - 1;
}

/** 0 → "A", 27 → "AB". */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = "";
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

function readEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, yauzl.Entry>();
    let total = 0;
    zip.on("entry", (entry: yauzl.Entry) => {
      total += entry.uncompressedSize;
      const ratio = entry.compressedSize > 0 ? entry.uncompressedSize / entry.compressedSize : 0;
      if (
        entry.uncompressedSize > MAX_ENTRY_BYTES ||
        total > MAX_TOTAL_BYTES ||
        (ratio > MAX_RATIO && entry.uncompressedSize > 1024 * 1024)
      ) {
        reject(
          new XlsxFormatError(
            `${entry.fileName} would inflate to ${entry.uncompressedSize} bytes: refusing a possible ZIP bomb`,
          ),
        );
        return;
      }
      entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on("end", () => resolve(entries));
    zip.on("error", (err: Error) => reject(new XlsxFormatError(`damaged ZIP file: ${err.message}`)));
    zip.readEntry();
  });
}

async function pump(stream: Readable, parser: SaxesParser, each: () => void): Promise<void> {
  stream.setEncoding("utf8");
  try {
    for await (const chunk of stream) {
      parser.write(chunk as string);
      each();
    }
    parser.close();
  } catch (error) {
    throw new XlsxFormatError(`damaged XML: ${(error as Error).message}`);
  }
}

/** Attribute maps of every `<name …>` element in a small XML part (workbook.xml, rels). */
function elements(xml: string, name: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  const tagPattern = new RegExp(`<(?:[A-Za-z0-9]+:)?${name}\\b([^>]*)>`, "g");
  for (const match of xml.matchAll(tagPattern)) {
    const attrs: Record<string, string> = {};
    for (const attr of match[1]!.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*"([^"]*)"/g)) {
      attrs[attr[1]!] = decodeXmlEntities(attr[2]!);
    }
    found.push(attrs);
  }
  return found;
}

function decodeXmlEntities(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&amp;/g, "&");
}
