/**
 * Exact money. Amounts are held as integer micro-units (1/1,000,000 of the currency unit) so that
 * sums are exact integer additions: KDP gives JPY with cents and some averages with more decimals,
 * and SQLite sums 64-bit integers exactly. Never parse money through binary floating point.
 */
export const MICROS = 1_000_000;
const SCALE_DIGITS = 6;

/**
 * Parses a plain decimal string ("6.31", "-5.26", "506", "1.0E-4", "34.080000000000005") into micro-units.
 * Digits beyond the sixth decimal are rounded half away from zero: they only appear as
 * binary-float noise in spreadsheet exports. Returns null when the text is not a number.
 */
/** "12.34", "-5", "0.000001": up to 9 whole and 6 fraction digits, parsed without allocating. */
function simpleMicros(text: string): number | null {
  const n = text.length;
  let i = 0;
  let negative = false;
  if (n > 0 && text.charCodeAt(0) === 45) {
    negative = true;
    i = 1;
  }
  let whole = 0;
  let wholeDigits = 0;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    if (++wholeDigits > 9) return null;
    whole = whole * 10 + d;
  }
  let frac = 0;
  let fracDigits = 0;
  if (i < n && text.charCodeAt(i) === 46) {
    for (i++; i < n; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9 || ++fracDigits > SCALE_DIGITS) return null;
      frac = frac * 10 + d;
    }
  }
  if (i !== n || wholeDigits + fracDigits === 0) return null;
  const micros = whole * MICROS + frac * 10 ** (SCALE_DIGITS - fracDigits);
  return negative && micros !== 0 ? -micros : micros;
}

export function parseMicros(text: string): number | null {
  // Fast path for the common "12.34"; exponents, long fractions and huge numbers go the exact slow way.
  const simple = simpleMicros(text);
  if (simple !== null) return simple;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m) return null;
  const [, sign, intPartRaw = "", fracRaw = "", expRaw] = m;
  if (intPartRaw === "" && fracRaw === "") return null;
  let digits = intPartRaw + fracRaw;
  let pointPos = intPartRaw.length + (expRaw ? Number.parseInt(expRaw, 10) : 0);
  if (pointPos < 0) {
    digits = "0".repeat(-pointPos) + digits;
    pointPos = 0;
  }
  if (digits.length < pointPos) digits = digits + "0".repeat(pointPos - digits.length);
  const whole = digits.slice(0, pointPos) || "0";
  const frac = digits.slice(pointPos);
  const kept = (frac + "0".repeat(SCALE_DIGITS)).slice(0, SCALE_DIGITS);
  const roundUp = frac.length > SCALE_DIGITS && frac.charCodeAt(SCALE_DIGITS) - 48 >= 5;
  let value = BigInt(whole) * BigInt(MICROS) + BigInt(kept);
  if (roundUp) value += 1n;
  if (sign === "-") value = -value;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) return null;
  return n === 0 ? 0 : n;
}

/** Formats micro-units as the shortest exact decimal string: 6310000 → "6.31", 506000000 → "506". */
export function formatMicros(micros: number): string {
  const negative = micros < 0;
  const abs = BigInt(Math.abs(micros));
  const whole = abs / BigInt(MICROS);
  const frac = (abs % BigInt(MICROS)).toString().padStart(SCALE_DIGITS, "0").replace(/0+$/, "");
  const text = frac ? `${whole}.${frac}` : `${whole}`;
  return negative ? `-${text}` : text;
}

/** Formats micro-units with a fixed number of decimals for display (rounding half away from zero). */
export function formatMicrosFixed(micros: number, decimals: number): string {
  const step = 10 ** (SCALE_DIGITS - decimals);
  const abs = Math.abs(micros);
  const rounded = Math.floor((abs + step / 2) / step) * step;
  const text = formatMicros(rounded);
  const [whole, frac = ""] = text.split(".");
  const body = decimals > 0 ? `${whole}.${frac.padEnd(decimals, "0")}` : whole!;
  return micros < 0 && rounded !== 0 ? `-${body}` : body;
}

/** Integer cents (Gumroad) to micro-units. */
export function centsToMicros(cents: number): number {
  return cents * 10_000;
}
