import { readFile } from "node:fs/promises";
import type { Deps } from "../deps.js";
import { InputError, RemoteError } from "../errors.js";
import { type EcbRate, parseEcbBytes } from "../sources/ecb/parse.js";
import { openDatabase } from "../store/db.js";
import { type RateSourceSummary, storeEcbRates, summarizeRates } from "../store/rates.js";

/** `authorstack rates update | import <file> | list`: the exchange rates behind `report --currency`. */

export const DEFAULT_RATES_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip";

export interface RatesStoreResult {
  source: string;
  rates: number;
  changed: number;
  first: string;
  last: string;
  currencies: number;
}

function store(deps: Deps, rates: EcbRate[], source: string): RatesStoreResult {
  const db = openDatabase(deps.home.database);
  try {
    const changed = storeEcbRates(db, rates, deps.now().toISOString());
    const dates = rates.map((r) => r.date).sort();
    return {
      source,
      rates: rates.length,
      changed,
      first: dates[0]!,
      last: dates[dates.length - 1]!,
      currencies: new Set(rates.map((r) => r.currency)).size,
    };
  } finally {
    db.close();
  }
}

export async function runRatesUpdate(_options: object, deps: Deps): Promise<RatesStoreResult> {
  const address = deps.env.AUTHORSTACK_RATES_URL || DEFAULT_RATES_URL;
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new InputError(`AUTHORSTACK_RATES_URL "${address}" is not an address.`);
  }
  const { HttpClient } = await import("../http/client.js");
  const client = new HttpClient({
    service: "the ECB exchange-rate service",
    baseUrl: url.origin,
    hint: "Check your internet connection and try again, or download the file yourself and run `authorstack rates import <file>`.",
    baseDelayMs: Number(deps.env.AUTHORSTACK_HTTP_RETRY_BASE_MS) || undefined,
  });
  try {
    const response = await client.request({ path: url.pathname + url.search, headers: { accept: "*/*" } });
    if (response.status !== 200) {
      throw new RemoteError(
        `the ECB exchange-rate service answered HTTP ${response.status} for ${url.pathname}.`,
        {
          hint: "Try again later, or download the file yourself and run `authorstack rates import <file>`.",
        },
      );
    }
    let rates: EcbRate[];
    try {
      rates = await parseEcbBytes(response.body, url.toString());
    } catch (error) {
      if (error instanceof InputError) {
        throw new RemoteError(`the ECB exchange-rate service sent something unexpected: ${error.message}`);
      }
      throw error;
    }
    return store(deps, rates, url.toString());
  } finally {
    await client.close();
  }
}

export async function runRatesImport(options: { file: string }, deps: Deps): Promise<RatesStoreResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(options.file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${options.file}: ${code === "ENOENT" ? "no such file" : `cannot read (${code})`}`);
  }
  return store(deps, await parseEcbBytes(bytes, options.file), options.file);
}

export function runRatesList(_options: object, deps: Deps): { sources: RateSourceSummary[] } {
  const db = openDatabase(deps.home.database);
  try {
    return { sources: summarizeRates(db) };
  } finally {
    db.close();
  }
}
