import { parseMicros } from "../../util/money.js";

/**
 * Cell values of KDP reports. XLSX numbers are exact `<v>` text; text cells and CSV re-saves may
 * carry decimal commas, thousands separators and currency symbols. `N/A` (any case) and empty cells
 * are "no value".
 */

export type NumberStyle = "point" | "comma";

const NOT_APPLICABLE = /^(?:n\/a|na|-|—|–)$/i;
const CURRENCY_MARKS =
  /[$€£¥₹₩₺₽]|R\$|C\$|A\$|MX\$|US\$|\b(?:USD|EUR|GBP|JPY|CAD|AUD|INR|BRL|MXN|PLN|SEK)\b/g;

export function isBlank(cell: string | undefined): boolean {
  if (cell === undefined) return true;
  const t = cell.trim();
  return t === "" || NOT_APPLICABLE.test(t);
}

/**
 * A number as micro-units, or null for blank / N/A. Undefined means "not a number" (caller reports).
 * `numeric`: an XLSX numeric cell, whose text is the exact number; otherwise locale-tolerant text.
 */
export function cellMicros(
  cell: string | undefined,
  numeric: boolean,
  style: NumberStyle,
): number | null | undefined {
  if (cell === undefined) return null;
  if (numeric || style === "point") {
    const exact = parseMicros(cell);
    if (exact !== null) return exact;
  }
  if (isBlank(cell)) return null;
  const raw = cell!.trim();
  if (numeric) return parseMicros(raw) ?? undefined;
  let text = raw.replace(CURRENCY_MARKS, "").replace(/[\s\u00a0\u202f']/g, "");
  let negative = false;
  if (/^\(.*\)$/.test(text)) {
    negative = true;
    text = text.slice(1, -1);
  }
  if (style === "comma") text = text.replace(/\./g, "").replace(",", ".");
  else text = text.replace(/,/g, "");
  if (text.endsWith("-")) {
    negative = !negative;
    text = text.slice(0, -1);
  }
  const micros = parseMicros(text);
  if (micros === null) return undefined;
  return negative ? -micros : micros;
}

/** A whole count (units, pages). Undefined: not a whole number. */
export function cellInteger(
  cell: string | undefined,
  numeric: boolean,
  style: NumberStyle,
): number | null | undefined {
  const micros = cellMicros(cell, numeric, style);
  if (micros === null || micros === undefined) return micros;
  if (micros % 1_000_000 !== 0) return undefined;
  return micros / 1_000_000;
}

export function cellText(cell: string | undefined): string | null {
  if (cell === undefined) return null;
  let text = cell.trim();
  if (/\s\s|[\t\r\n\u00a0]/.test(text)) text = text.replace(/\s+/g, " ");
  return text === "" || NOT_APPLICABLE.test(text) ? null : text;
}

/**
 * Numeric cells written as doubles ("3.41291304E8", "1.0000065860717E14") → exact integer string,
 * for KDP's payment numbers.
 */
export function exactIntegerText(cell: string | undefined): string | null {
  const text = cellText(cell);
  if (text === null) return null;
  const m = /^(\d+)(?:\.(\d+))?[eE]\+?(\d+)$/.exec(text);
  if (m) {
    const digits = m[1]! + (m[2] ?? "");
    const exp = Number(m[3]) - (m[2]?.length ?? 0);
    return exp >= 0 ? digits + "0".repeat(exp) : digits.slice(0, exp);
  }
  return text.replace(/\.0+$/, "");
}

const MONTHS: Record<string, number> = {};
const MONTH_NAMES: string[][] = [
  [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
  ],
  [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
  ],
  [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
  ],
  [
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
  ],
  [
    "januar",
    "februar",
    "marz",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "dezember",
  ],
  [
    "janeiro",
    "fevereiro",
    "marco",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
  ],
];
for (const names of MONTH_NAMES) {
  names.forEach((name, i) => {
    MONTHS[name] = i + 1;
  });
}
MONTHS.setiembre = 9;

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

export interface KdpDate {
  date: string;
  granularity: "day" | "month";
}

/** Detail-row dates: "2025-07", "2025-07-15" (also "2025/07/15", and an Excel serial in re-saved CSVs). */
export function parseKdpDate(text: string | null): KdpDate | null {
  if (text === null) return null;
  const t = text.trim();
  let m = /^(\d{4})[-/.](\d{1,2})$/.exec(t);
  if (m && validMonth(m[2]!)) return { date: `${m[1]}-${pad(Number(m[2]))}`, granularity: "month" };
  m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$/.exec(t);
  if (m && validMonth(m[2]!) && validDay(m[1]!, m[2]!, m[3]!)) {
    return { date: `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}`, granularity: "day" };
  }
  return parseMonthLabel(t);
}

/** Month labels of Summary sheets and preambles: "July 2025", "octubre 2025", "8月 2026". */
export function parseMonthLabel(text: string): KdpDate | null {
  const t = text.normalize("NFKC").normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();
  let m = /^(\d{1,2})月\s*(\d{4})$/.exec(t) ?? /^(\d{4})年\s*(\d{1,2})月$/.exec(t);
  if (m) {
    const [month, year] = t.startsWith(m[1]!) && m[1]!.length <= 2 ? [m[1]!, m[2]!] : [m[2]!, m[1]!];
    if (validMonth(month)) return { date: `${year}-${pad(Number(month))}`, granularity: "month" };
  }
  m = /^([a-z]+)\.?(?:\s+de)?\s+(\d{4})$/.exec(t);
  if (m && MONTHS[m[1]!]) return { date: `${m[2]}-${pad(MONTHS[m[1]!]!)}`, granularity: "month" };
  m = /^([a-z]+)\s*-\s*(\d{4})$/.exec(t);
  if (m && MONTHS[m[1]!]) return { date: `${m[2]}-${pad(MONTHS[m[1]!]!)}`, granularity: "month" };
  return null;
}

function validMonth(month: string): boolean {
  const n = Number(month);
  return n >= 1 && n <= 12;
}

function validDay(year: string, month: string, day: string): boolean {
  const d = Number(day);
  const last = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  return d >= 1 && d <= last;
}

/** Marketplace → currency, for rows without a Currency column (dashboard KENP sheets). */
export const MARKETPLACE_CURRENCY: Record<string, string> = {
  "amazon.com": "USD",
  "amazon.co.uk": "GBP",
  "amazon.de": "EUR",
  "amazon.fr": "EUR",
  "amazon.es": "EUR",
  "amazon.it": "EUR",
  "amazon.nl": "EUR",
  "amazon.co.jp": "JPY",
  "amazon.in": "INR",
  "amazon.ca": "CAD",
  "amazon.com.br": "BRL",
  "amazon.com.mx": "MXN",
  "amazon.com.au": "AUD",
  "amazon.pl": "PLN",
  "amazon.se": "SEK",
};
