// Writes small XLSX workbooks in the shape KDP's Apache POI exports have (inline strings, numeric
// <v> cells, <dimension ref="A1"/>, docProps/core.xml with a creation time). Used by the tests and
// by scripts/make-fixtures.mjs. Plain JS so that the fixture script runs without a build.
import { writeFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";

const CRC_TABLE = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(buf) {
  let crc = -1;
  for (const byte of buf) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** A ZIP archive from [name, Buffer|string] entries (deflated). */
export function zip(entries, { declaredSizes } = {}) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8");
    const compressed = deflateRawSync(data);
    const nameBuf = Buffer.from(name, "utf8");
    const size = declaredSizes?.[name] ?? data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, compressed);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + compressed.length;
  }
  const centralBuf = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralBuf, end]);
}

function esc(text) {
  return String(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

function col(index) {
  let n = index + 1;
  let s = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Numbers (JS numbers or {n: "text"}) become numeric cells; everything else inline strings. */
function sheetXml(rows) {
  const body = rows
    .map((cells, r) => {
      const xml = cells
        .map((value, c) => {
          if (value === null || value === undefined) return "";
          const ref = `${col(c)}${r + 1}`;
          if (typeof value === "number")
            return `<c r="${ref}" s="1" t="n"><v>${value.toFixed(Number.isInteger(value) ? 1 : String(value).split(".")[1].length)}</v></c>`;
          if (typeof value === "object" && "n" in value)
            return `<c r="${ref}" s="1" t="n"><v>${esc(value.n)}</v></c>`;
          return `<c r="${ref}" s="1" t="inlineStr"><is><t>${esc(value)}</t></is></c>`;
        })
        .join("");
      return `<row r="${r + 1}">${xml}</row>`;
    })
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/><sheetData>\n${body}\n</sheetData></worksheet>`;
}

/** The XLSX bytes of a workbook: sheets is [[name, rows]], created an ISO time or null. */
export function workbookBytes(sheets, { created = "2025-08-04T11:03:14Z" } = {}) {
  const ns =
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
  const workbook = `<?xml version="1.0" encoding="UTF-8"?>\n<workbook ${ns}><sheets>${sheets
    .map(([name], i) => `<sheet name="${esc(name)}" r:id="rId${i + 3}" sheetId="${i + 1}"/>`)
    .join("")}</sheets></workbook>`;
  const rels = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>${sheets
    .map(
      (_, i) =>
        `<Relationship Id="rId${i + 3}" Target="worksheets/sheet${i + 1}.xml" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>`,
    )
    .join("")}</Relationships>`;
  const entries = [
    [
      "[Content_Types].xml",
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
    ],
    [
      "docProps/app.xml",
      `<?xml version="1.0" encoding="UTF-8"?><Properties><Application>Apache POI</Application></Properties>`,
    ],
  ];
  if (created) {
    entries.push([
      "docProps/core.xml",
      `<?xml version="1.0" encoding="UTF-8" standalone="no"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dcterms:created xsi:type="dcterms:W3CDTF">${created}</dcterms:created><dc:creator>Apache POI</dc:creator></cp:coreProperties>`,
    ]);
  }
  entries.push(
    [
      "xl/sharedStrings.xml",
      `<?xml version="1.0" encoding="UTF-8"?><sst count="0" uniqueCount="0" xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>`,
    ],
    ["xl/workbook.xml", workbook],
    ["xl/_rels/workbook.xml.rels", rels],
  );
  sheets.forEach(([, rows], i) => {
    entries.push([`xl/worksheets/sheet${i + 1}.xml`, sheetXml(rows)]);
  });
  return zip(entries);
}

export function writeWorkbook(path, sheets, options) {
  writeFileSync(path, workbookBytes(sheets, options));
}
