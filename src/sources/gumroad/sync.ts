import { RemoteError } from "../../errors.js";
import type { SaleRecord } from "../../model.js";
import type { SalesPage, SalesQuery } from "./api.js";
import { type GumroadSale, mapSale } from "./mapping.js";

/**
 * The Gumroad sync engine: plans a run, walks `/v2/sales` with `page_key` (filters repeated on every
 * page), and hands each page with the updated state to the store, which commits both in one
 * transaction. A run interrupted at any moment resumes from its saved state: every window restarts
 * at the page after the last one committed.
 *
 * A large range is split into day windows (`after` inclusive, `before` exclusive, UTC days) walked
 * concurrently; the HTTP layer's rate cap keeps the total request rate in bounds. The first window
 * keeps the run's lower bound (none for a full sync) and the last one has no upper bound, so the
 * windows always cover the whole range whatever the planning probes found.
 */

export const STATE_VERSION = 1;
/** Gumroad opened in 2011: the oldest day a planning probe looks at. */
const EPOCH_DAY = "2011-01-01";

export interface SyncWindow {
  after: string | null;
  before: string | null;
  /** The next page to fetch; null = the first page. */
  pageKey: string | null;
  done: boolean;
}

export interface RunCounts {
  new: number;
  updated: number;
  unchanged: number;
  fetched: number;
  pages: number;
}

export type SyncMode = "full" | "incremental" | "since";

export interface RunState {
  startedAt: string;
  mode: SyncMode;
  /** Lower bound (YYYY-MM-DD, inclusive) of the run; null = everything. */
  after: string | null;
  /** null until the run is planned. */
  windows: SyncWindow[] | null;
  counts: RunCounts;
}

export interface GumroadSyncState {
  version: number;
  /** Start time of the last completed run that covered the incremental range. */
  lastSyncAt: string | null;
  lastRun: { finishedAt: string; mode: SyncMode; after: string | null; counts: RunCounts } | null;
  run: RunState | null;
}

export interface SyncSink {
  readState(): GumroadSyncState | null;
  writeState(state: GumroadSyncState): void;
  /**
   * Stores the records and the state in one transaction; `state` is called inside it with the
   * page's counts, so the saved state includes them.
   */
  commitPage(
    records: SaleRecord[],
    state: (counts: { new: number; updated: number; unchanged: number }) => GumroadSyncState,
  ): void;
}

export interface SalesSource {
  salesPage(query: SalesQuery): Promise<SalesPage>;
}

export interface SyncProgress {
  pages: number;
  sales: number;
  windowsDone: number;
  windowsTotal: number;
}

export interface SyncOptions {
  mode: "default" | "full" | "since";
  since?: string;
  lookbackDays: number;
  concurrency: number;
  now: () => Date;
  onProgress?: (progress: SyncProgress) => void;
}

export interface SyncResult {
  mode: SyncMode;
  after: string | null;
  resumed: boolean;
  windows: number;
  counts: RunCounts;
  lastSyncAt: string | null;
}

export function emptyState(): GumroadSyncState {
  return { version: STATE_VERSION, lastSyncAt: null, lastRun: null, run: null };
}

function zeroCounts(): RunCounts {
  return { new: 0, updated: 0, unchanged: 0, fetched: 0, pages: 0 };
}

/** What the user asked for, as (mode, lower bound). */
export function requestedRange(
  options: Pick<SyncOptions, "mode" | "since" | "lookbackDays">,
  state: GumroadSyncState,
): { mode: SyncMode; after: string | null } {
  if (options.mode === "full") return { mode: "full", after: null };
  if (options.mode === "since") return { mode: "since", after: options.since! };
  const after = incrementalAfter(state, options.lookbackDays);
  return after === null ? { mode: "full", after: null } : { mode: "incremental", after };
}

function incrementalAfter(state: GumroadSyncState, lookbackDays: number): string | null {
  if (!state.lastSyncAt) return null;
  return addDays(state.lastSyncAt.slice(0, 10), -lookbackDays);
}

export async function syncGumroad(
  api: SalesSource,
  sink: SyncSink,
  options: SyncOptions,
): Promise<SyncResult> {
  const loaded = sink.readState();
  const state: GumroadSyncState = loaded && loaded.version === STATE_VERSION ? loaded : emptyState();
  const requested = requestedRange(options, state);
  const previous = state.run;
  let resumed = false;
  let run: RunState;
  if (
    previous &&
    (options.mode === "default" || (previous.mode === requested.mode && previous.after === requested.after))
  ) {
    run = previous;
    resumed = true;
  } else {
    run = { startedAt: options.now().toISOString(), ...requested, windows: null, counts: zeroCounts() };
    state.run = run;
    sink.writeState(state);
  }

  const progress = (): void =>
    options.onProgress?.({
      pages: run.counts.pages,
      sales: run.counts.fetched,
      windowsDone: run.windows?.filter((w) => w.done).length ?? 0,
      windowsTotal: run.windows?.length ?? 0,
    });

  const commit = (sales: GumroadSale[], records: SaleRecord[], countPage = true): void => {
    const before = { ...run.counts };
    try {
      sink.commitPage(records, (counts) => {
        run.counts.new += counts.new;
        run.counts.updated += counts.updated;
        run.counts.unchanged += counts.unchanged;
        if (countPage) {
          run.counts.fetched += sales.length;
          run.counts.pages += 1;
        }
        return state;
      });
    } catch (error) {
      // Nothing was stored: the counts must not include the page either.
      Object.assign(run.counts, before);
      throw error;
    }
  };

  if (run.windows === null) await plan(api, run, options, commit);
  progress();
  await walkWindows(api, run, Math.max(1, options.concurrency), commit, progress);

  // The run is complete: move the watermark if the run covered the incremental range.
  const coveredFrom = incrementalAfter(state, options.lookbackDays);
  if (run.after === null || (coveredFrom !== null && run.after <= coveredFrom))
    state.lastSyncAt = run.startedAt;
  state.lastRun = {
    finishedAt: options.now().toISOString(),
    mode: run.mode,
    after: run.after,
    counts: run.counts,
  };
  state.run = null;
  sink.writeState(state);
  return {
    mode: run.mode,
    after: run.after,
    resumed,
    windows: run.windows?.length ?? 0,
    counts: run.counts,
    lastSyncAt: state.lastSyncAt,
  };
}

/**
 * Plans the run with one request for the newest page of the range: when that is all there is,
 * the run is done in one request; otherwise the range is split into windows. The plan and (for
 * a one-page range) the rows are committed together.
 */
async function plan(
  api: SalesSource,
  run: RunState,
  options: SyncOptions,
  commit: (sales: GumroadSale[], records: SaleRecord[], countPage?: boolean) => void,
): Promise<void> {
  const concurrency = Math.max(1, options.concurrency);
  if (concurrency === 1) {
    // A plain sequential cursor walk of the whole range.
    run.windows = [{ after: run.after, before: null, pageKey: null, done: false }];
    commit([], [], false);
    return;
  }
  const head = await api.salesPage({ after: run.after ?? undefined });
  if (!head.nextPageKey) {
    run.windows = [];
    commit(head.sales, mapSales(head.sales));
    return;
  }
  const newestDay = dayOf(head.sales[0]?.created_at) ?? options.now().toISOString().slice(0, 10);
  const today = options.now().toISOString().slice(0, 10);
  const endDay = addDays([newestDay, today].sort()[1]!, 1);
  let startDay = run.after;
  if (startDay === null) {
    const tenthDay = dayOf(head.sales[head.sales.length - 1]?.created_at) ?? today;
    startDay = await findOldestDay(api, tenthDay);
  }
  const windowCount = Math.min(concurrency * 4, daysBetween(startDay, endDay));
  run.windows = splitWindows(run.after, startDay, endDay, Math.max(1, windowCount));
  // The head page is not stored: its sales are fetched again by the newest window.
  commit([], [], false);
}

/**
 * Approximate oldest sale day (to a week), by bisection on `before=D` ("is there any sale before D?").
 * Only used to balance the windows: the first window has no lower bound anyway.
 */
async function findOldestDay(api: SalesSource, knownDay: string): Promise<string> {
  let lo = EPOCH_DAY; // assumed: nothing before
  let hi = addDays(knownDay, 1); // known: something before
  if (hi <= lo) return lo;
  while (daysBetween(lo, hi) > 7) {
    const mid = addDays(lo, Math.floor(daysBetween(lo, hi) / 2));
    const page = await api.salesPage({ before: mid });
    if (page.sales.length > 0) hi = mid;
    else lo = mid;
  }
  return lo;
}

export function splitWindows(
  lowerBound: string | null,
  startDay: string,
  endDay: string,
  count: number,
): SyncWindow[] {
  const total = Math.max(1, daysBetween(startDay, endDay));
  const n = Math.max(1, Math.min(count, total));
  const windows: SyncWindow[] = [];
  for (let i = 0; i < n; i++) {
    const from = addDays(startDay, Math.floor((total * i) / n));
    const to = addDays(startDay, Math.floor((total * (i + 1)) / n));
    windows.push({
      after: i === 0 ? lowerBound : from,
      before: i === n - 1 ? null : to,
      pageKey: null,
      done: false,
    });
  }
  // Newest first, like the API: recent windows (most likely to matter) are fetched first.
  return windows.reverse();
}

async function walkWindows(
  api: SalesSource,
  run: RunState,
  concurrency: number,
  commit: (sales: GumroadSale[], records: SaleRecord[]) => void,
  progress: () => void,
): Promise<void> {
  const windows = run.windows ?? [];
  const queue = windows.filter((w) => !w.done);
  let failure: unknown = null;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (failure !== null) return;
      const window = queue.shift();
      if (!window) return;
      const seen = new Set<string>();
      if (window.pageKey) seen.add(window.pageKey);
      while (!window.done) {
        if (failure !== null) return;
        let page: SalesPage;
        try {
          page = await api.salesPage({
            after: window.after ?? undefined,
            before: window.before ?? undefined,
            pageKey: window.pageKey ?? undefined,
          });
        } catch (error) {
          failure ??= error;
          return;
        }
        if (failure !== null) return; // another window failed: leave this page for the next run
        if (page.nextPageKey !== null && seen.has(page.nextPageKey)) {
          failure ??= new RemoteError(
            `Gumroad API returned the same page cursor twice (${page.nextPageKey}); stopping instead of looping.`,
            { hint: "Run `authorstack sync gumroad` again later; everything fetched so far is kept." },
          );
          return;
        }
        let records: SaleRecord[];
        try {
          records = mapSales(page.sales);
        } catch (error) {
          failure ??= error;
          return;
        }
        if (page.nextPageKey !== null) seen.add(page.nextPageKey);
        // The cursor moves inside the shared state that every commit saves: when this commit
        // fails, it moves back (or another window's commit would save it past an unstored page)
        // and every window stops.
        const cursor = { pageKey: window.pageKey, done: window.done };
        window.pageKey = page.nextPageKey;
        window.done = page.nextPageKey === null;
        try {
          commit(page.sales, records);
        } catch (error) {
          window.pageKey = cursor.pageKey;
          window.done = cursor.done;
          failure ??= error;
          return;
        }
        progress();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, queue.length)) }, worker));
  if (failure !== null) throw failure;
}

function mapSales(sales: GumroadSale[]): SaleRecord[] {
  return sales.map((sale) => {
    try {
      return mapSale(sale);
    } catch (error) {
      throw new RemoteError(
        `Gumroad API returned a sale AuthorStack cannot read: ${(error as Error).message}.`,
      );
    }
  });
}

function dayOf(createdAt: string | undefined): string | null {
  if (!createdAt) return null;
  const d = new Date(createdAt);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
