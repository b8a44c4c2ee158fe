import type { RateTables } from "../store/rates.js";
import type { SalesSlice } from "../store/report.js";
import { monthEnd } from "./period.js";

/**
 * --currency: every amount converted into one currency. ECB reference rates are per 1 EUR, so a
 * conversion C → T is amount × rate(T) / rate(C), using the last rate on or before the sale's day
 * (or the month's end, for monthly KDP figures). For a month that KDP paid into T, what Amazon
 * actually paid is used instead: amount × payout / net earnings over that month's payments. Arithmetic is exact (BigInt) and rounded once per slice
 * to micro-units; the results are estimates and are labelled so.
 */
export type RateSource = "ecb" | "kdp-payments";

export interface Conversion {
  micros: number;
  source: RateSource;
}

export interface Converter {
  currency: string;
  convert(slice: SalesSlice): Conversion | null;
}

/** A rate older than this (days) before the date it is needed for counts as missing. */
const MAX_STALE_DAYS = 14;
const SCALE = 10n ** 12n;

function scaled(rate: string): bigint {
  const [whole, frac = ""] = rate.split(".");
  return BigInt(whole!) * SCALE + BigInt((frac + "0".repeat(12)).slice(0, 12));
}

function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (n * 2n + d) / (2n * d);
  return negative ? -q : q;
}

function daysBetween(a: string, b: string): number {
  return (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;
}

export function makeConverter(target: string, tables: RateTables, today: string): Converter {
  const ecbRate = (currency: string, day: string): bigint | null => {
    if (currency === "EUR") return SCALE;
    const series = tables.ecb.get(currency);
    if (!series || series.length === 0) return null;
    let lo = 0;
    let hi = series.length - 1;
    if (series[0]![0] > day) return null;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (series[mid]![0] <= day) lo = mid;
      else hi = mid - 1;
    }
    const [date, rate] = series[lo]!;
    return daysBetween(date, day) > MAX_STALE_DAYS ? null : scaled(rate);
  };
  return {
    currency: target,
    convert(slice) {
      const from = slice.currency;
      if (!from) return null;
      if (from === target) return { micros: slice.royaltyMicros, source: "ecb" };
      const paid =
        slice.source === "kdp" ? tables.payments.get(`${slice.month}|${from}|${target}`) : undefined;
      if (paid) {
        const micros = divideRounded(
          BigInt(slice.royaltyMicros) * BigInt(paid.payoutMicros),
          BigInt(paid.earningsMicros),
        );
        return { micros: Number(micros), source: "kdp-payments" };
      }
      let day = slice.granularity === "day" ? slice.date : monthEnd(slice.month);
      if (day > today) day = today;
      const rateFrom = ecbRate(from, day);
      const rateTo = ecbRate(target, day);
      if (rateFrom === null || rateTo === null) return null;
      return { micros: Number(divideRounded(BigInt(slice.royaltyMicros) * rateTo, rateFrom)), source: "ecb" };
    },
  };
}

export function describeRates(sources: Set<RateSource>): string {
  const parts: string[] = [];
  if (sources.has("ecb") || sources.size === 0) {
    parts.push("ECB euro reference rates (the last rate on or before each day, or each month's end)");
  }
  if (sources.has("kdp-payments")) parts.push("Amazon's rates from KDP Payments for the months it paid");
  return parts.join("; ");
}
