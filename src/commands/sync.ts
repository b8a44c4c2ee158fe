import type { Deps } from "../deps.js";
import { AuthError, UsageError } from "../errors.js";
import { GumroadApi, gumroadSettings, LOGIN_COMMAND } from "../sources/gumroad/api.js";
import { type GumroadSyncState, syncGumroad } from "../sources/gumroad/sync.js";
import { openDatabase } from "../store/db.js";
import { SyncStore } from "../store/gumroad.js";
import { ProgressLine } from "../util/progress.js";
import { promptContext } from "../util/prompt.js";
import { gumroadToken, runAuthLogin } from "./auth.js";

export const SYNC_SOURCES = ["gumroad"] as const;
export const DEFAULT_LOOKBACK_DAYS = 45;
export const DEFAULT_CONCURRENCY = 4;

export interface SyncCommandOptions {
  source: string;
  since?: string;
  full?: boolean;
  /** Windows fetched at once for a large range (the rate cap still applies). */
  concurrency?: number;
  /** May prompt (offer to log in when not connected). */
  interactive: boolean;
  /** Show a progress line on stderr (the CLI passes true only on a TTY without --quiet). */
  progress: boolean;
}

export interface SyncSummary {
  source: "gumroad";
  mode: "full" | "incremental" | "since";
  after: string | null;
  resumed: boolean;
  windows: number;
  requests: number;
  retries: number;
  pages: number;
  fetched: number;
  new: number;
  updated: number;
  unchanged: number;
  stored: number;
  lastSyncAt: string | null;
}

export async function runSync(options: SyncCommandOptions, deps: Deps): Promise<SyncSummary> {
  if (options.source === "kdp") {
    throw new UsageError("KDP has no API to sync from.", {
      hint: "Download the reports from KDP and run `authorstack import kdp <file>`.",
    });
  }
  if (options.source !== "gumroad") {
    throw new UsageError(`unknown source "${options.source}".`, {
      hint: `Known: ${SYNC_SOURCES.join(", ")}.`,
    });
  }
  if (options.since !== undefined && options.full)
    throw new UsageError("--since and --full cannot be used together.");
  if (options.since !== undefined) checkDay(options.since, "--since");
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 32, not "${options.concurrency}".`);
  }
  const config = deps.config();
  const lookbackDays = readLookback(config["sync.lookbackDays"]);
  const settings = gumroadSettings(deps.env, config);

  let found = gumroadToken(deps);
  if (!found) {
    if (!options.interactive) {
      throw new AuthError("not connected to Gumroad.", {
        hint: `Run \`${LOGIN_COMMAND}\` once (or set GUMROAD_ACCESS_TOKEN for cron and CI).`,
      });
    }
    const { confirm } = await import("@inquirer/prompts");
    const yes = await confirm(
      { message: "AuthorStack is not connected to Gumroad yet. Log in now?", default: true },
      promptContext(deps),
    );
    if (!yes)
      throw new AuthError("not connected to Gumroad.", {
        hint: `Run \`${LOGIN_COMMAND}\` when you are ready.`,
      });
    await runAuthLogin(
      { service: "gumroad", withToken: false, browser: true, timeoutSeconds: 300, interactive: true },
      deps,
    );
    found = gumroadToken(deps);
    if (!found) throw new AuthError("not connected to Gumroad.", { hint: `Run \`${LOGIN_COMMAND}\`.` });
  }

  const db = openDatabase(deps.home.database);
  const api = new GumroadApi(settings, found.token);
  const store = new SyncStore(db, "gumroad");
  const progress = options.progress ? new ProgressLine(deps) : null;
  try {
    const result = await syncGumroad(
      api,
      {
        readState: () => store.readState<GumroadSyncState>(),
        writeState: (state) => store.writeState(state, deps.now()),
        commitPage: (records, state) => {
          store.commitPage(records, state, deps.now());
        },
      },
      {
        mode: options.full ? "full" : options.since !== undefined ? "since" : "default",
        since: options.since,
        lookbackDays,
        concurrency,
        now: deps.now,
        onProgress: progress
          ? (p) =>
              progress.update(
                () =>
                  `Gumroad: ${p.pages} pages, ${p.sales} sales${p.windowsTotal > 1 ? `, windows ${p.windowsDone}/${p.windowsTotal}` : ""}`,
              )
          : undefined,
      },
    );
    return {
      source: "gumroad",
      mode: result.mode,
      after: result.after,
      resumed: result.resumed,
      windows: result.windows,
      requests: api.http.stats.requests,
      retries: api.http.stats.retries,
      pages: result.counts.pages,
      fetched: result.counts.fetched,
      new: result.counts.new,
      updated: result.counts.updated,
      unchanged: result.counts.unchanged,
      stored: store.countRows(),
      lastSyncAt: result.lastSyncAt,
    };
  } finally {
    progress?.end();
    await api.close();
    db.close();
  }
}

function checkDay(text: string, flag: string): void {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const d = m ? new Date(`${text}T00:00:00Z`) : null;
  if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) {
    throw new UsageError(`${flag} must be a date as YYYY-MM-DD, not "${text}".`);
  }
}

function readLookback(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LOOKBACK_DAYS;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 3650) {
    throw new UsageError(`config sync.lookbackDays must be a whole number of days (0–3650), not "${text}".`, {
      hint: "Fix it with `authorstack config set sync.lookbackDays 45`.",
    });
  }
  return n;
}
