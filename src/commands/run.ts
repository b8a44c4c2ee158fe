/**
 * `authorstack run [--email]` — the cron job (Pro). Under the home folder's lock (a second run exits 6
 * at once): checks the licence, syncs every connected API source, then, when `--email` is given or
 * `digest.email` is set, emails the digest for the complete days since the last digest (stored in
 * digest-state.json once Resend accepted it and every sync succeeded; after a failed sync the digest
 * says which figures are incomplete and the next run covers those days again). Appends one JSON line per run to logs/run.log (busy runs
 * included). When a step fails and email is configured, sends a short alert naming the step and the
 * fix. Never prompts, never opens a browser; throws (non-zero exit) when any step failed.
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Deps } from "../deps.js";
import { idempotencyKey } from "../email/message.js";
import { sendEmail } from "../email/resend.js";
import { emailConfigured, resolveEmailSettings } from "../email/settings.js";
import { AuthorstackError, BusyError, type ExitCodeValue } from "../errors.js";
import { renderFailureAlert } from "../report/render-email.js";
import { acquireLock } from "../util/lock.js";
import { sendDigest } from "./email-report.js";
import { buildReportBundle } from "./html-report.js";

export interface RunOptions {
  /** Send the digest even when `digest.email` is not set (recipient from AUTHORSTACK_EMAIL_TO then). */
  email?: boolean;
}

export interface RunStep {
  step: string;
  ok: boolean;
  counts?: Record<string, number>;
  /** Why a step did nothing (e.g. the digest was already sent for these days). */
  skipped?: string;
  error?: string;
  hint?: string;
  exitCode?: number;
}

export interface RunResult {
  start: string;
  end: string;
  ok: boolean;
  exitCode: number;
  pid: number;
  steps: RunStep[];
  /** `incomplete`: the notice the digest carried because a sync failed (its days are sent again next time). */
  digest: { from: string; to: string; id: string; recipient: string; incomplete?: string } | null;
  alert: { sent: boolean; id?: string; error?: string } | null;
}

/** Thrown when a step failed; carries the whole result (printed with --json) and the first failure's exit code. */
export class RunFailed extends AuthorstackError {
  override readonly exitCode: ExitCodeValue;
  constructor(
    readonly result: RunResult,
    message: string,
    options: { hint?: string; exitCode: ExitCodeValue },
  ) {
    super(message, { hint: options.hint });
    this.exitCode = options.exitCode;
  }
}

export interface DigestState {
  /** Last day (inclusive) covered by the last digest that Resend accepted. */
  lastTo: string;
  sentAt: string;
  id: string;
  recipient: string;
}

export function digestStatePath(deps: Deps): string {
  return join(deps.home.dataDir, "digest-state.json");
}

export function readDigestState(deps: Deps): DigestState | null {
  try {
    const state = JSON.parse(readFileSync(digestStatePath(deps), "utf8")) as DigestState;
    return /^\d{4}-\d{2}-\d{2}$/.test(state.lastTo) ? state : null;
  } catch {
    return null;
  }
}

function writeDigestState(deps: Deps, state: DigestState): void {
  const path = digestStatePath(deps);
  mkdirSync(deps.home.dataDir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Days in the first digest when none was sent before. */
export const FIRST_DIGEST_DAYS = 7;

/**
 * The digest's period: the complete days since the last digest, up to yesterday (local date of
 * `now`); the first digest covers the last FIRST_DIGEST_DAYS complete days. Null when there is nothing new.
 */
export function digestPeriod(now: Date, state: DigestState | null): { from: string; to: string } | null {
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
  const to = addDays(local, -1);
  const from = state ? addDays(state.lastTo, 1) : addDays(to, -(FIRST_DIGEST_DAYS - 1));
  return from <= to ? { from, to } : null;
}

export function runLogPath(deps: Deps): string {
  return join(deps.home.logsDir, "run.log");
}

function appendRunLog(deps: Deps, entry: unknown): void {
  mkdirSync(deps.home.logsDir, { recursive: true, mode: 0o700 });
  // One write of one line: lines of concurrent runs never interleave (O_APPEND).
  appendFileSync(runLogPath(deps), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
}

function failedStep(step: string, error: unknown): RunStep {
  if (error instanceof AuthorstackError) {
    return { step, ok: false, error: error.message, hint: error.hint, exitCode: error.exitCode };
  }
  return { step, ok: false, error: error instanceof Error ? error.message : String(error), exitCode: 1 };
}

export async function runRun(options: RunOptions, deps: Deps): Promise<RunResult> {
  const start = deps.now().toISOString();
  const result: RunResult = {
    start,
    end: start,
    ok: true,
    exitCode: 0,
    pid: process.pid,
    steps: [],
    digest: null,
    alert: null,
  };

  let lock: ReturnType<typeof acquireLock>;
  try {
    lock = acquireLock(deps.home.lock, { command: "authorstack run", now: deps.now });
  } catch (error) {
    if (error instanceof BusyError) {
      result.ok = false;
      result.exitCode = error.exitCode;
      result.steps.push(failedStep("lock", error));
      result.end = deps.now().toISOString();
      appendRunLog(deps, { ...result, busy: true });
    }
    throw error;
  }

  try {
    await runSteps(options, deps, result);
  } finally {
    result.end = deps.now().toISOString();
    const failed = result.steps.filter((s) => !s.ok);
    result.ok = failed.length === 0;
    result.exitCode = failed[0]?.exitCode ?? 0;
    try {
      appendRunLog(deps, result);
    } finally {
      lock.release();
    }
  }

  const failed = result.steps.filter((s) => !s.ok);
  if (failed.length > 0) {
    const first = failed[0]!;
    const others =
      failed.length > 1
        ? ` (also failed: ${failed
            .slice(1)
            .map((s) => s.step)
            .join(", ")})`
        : "";
    throw new RunFailed(result, `the run failed at ${first.step}: ${first.error}${others}`, {
      hint: [first.hint, `The run log is ${runLogPath(deps)}.`].filter(Boolean).join("\n"),
      exitCode: (first.exitCode ?? 1) as ExitCodeValue,
    });
  }
  return result;
}

async function runSteps(options: RunOptions, deps: Deps, result: RunResult): Promise<void> {
  // 1. The licence: run is Pro.
  try {
    const { requirePro } = await import("../license/gate.js");
    await requirePro(deps, "run");
    result.steps.push({ step: "licence", ok: true });
  } catch (error) {
    result.steps.push(failedStep("licence", error));
    await alertIfConfigured(options, deps, result);
    return;
  }

  // 2. Every connected API source (KDP has no API: its reports are imported by hand).
  const { gumroadToken } = await import("./auth.js");
  if (gumroadToken(deps)) {
    try {
      const { runSync } = await import("./sync.js");
      const summary = await runSync({ source: "gumroad", interactive: false, progress: false }, deps);
      result.steps.push({
        step: "sync gumroad",
        ok: true,
        counts: {
          fetched: summary.fetched,
          new: summary.new,
          updated: summary.updated,
          unchanged: summary.unchanged,
          stored: summary.stored,
          requests: summary.requests,
        },
      });
    } catch (error) {
      result.steps.push(failedStep("sync gumroad", error));
    }
  }

  // 3. The digest, when asked for (--email) or configured (digest.email).
  if (options.email || deps.config()["digest.email"]?.trim()) {
    try {
      const settings = resolveEmailSettings(deps);
      const state = readDigestState(deps);
      const period = digestPeriod(deps.now(), state);
      if (!period) {
        result.steps.push({ step: "digest", ok: true, skipped: `already sent up to ${state?.lastTo}` });
      } else {
        const bundle = await buildReportBundle({ from: period.from, to: period.to, by: "book" }, deps);
        const incomplete = incompleteNotice(result.steps);
        const sent = await sendDigest(bundle, settings, "digest", incomplete);
        // A digest with a source missing does not count as sent: the next run covers these days again.
        if (!incomplete) {
          writeDigestState(deps, {
            lastTo: period.to,
            sentAt: deps.now().toISOString(),
            id: sent.id,
            recipient: settings.to,
          });
        }
        result.digest = {
          ...period,
          id: sent.id,
          recipient: settings.to,
          ...(incomplete ? { incomplete } : {}),
        };
        result.steps.push({
          step: "digest",
          ok: true,
          counts: { attempts: sent.attempts, rows: bundle.report.rows.length },
        });
      }
    } catch (error) {
      result.steps.push(failedStep("digest", error));
    }
  }

  await alertIfConfigured(options, deps, result);
}

/** The line a digest carries when a sync step failed (the step's message; secrets never reach it). */
function incompleteNotice(steps: RunStep[]): string | undefined {
  const failed = steps.filter((s) => !s.ok && s.step.startsWith("sync "));
  if (failed.length === 0) return undefined;
  return failed
    .map((s) => {
      const source = s.step.slice("sync ".length);
      const name = `${source.charAt(0).toUpperCase()}${source.slice(1)}`;
      return `${name} figures are incomplete: the ${name} sync failed (${s.error ?? "unknown error"}). The next digest after a successful sync covers these days again.`;
    })
    .join(" ");
}

/** A short alert for the first failed step, when email can be sent at all. Its own failure is logged only. */
async function alertIfConfigured(_options: RunOptions, deps: Deps, result: RunResult): Promise<void> {
  const failed = result.steps.find((s) => !s.ok);
  if (!failed || !emailConfigured(deps)) return;
  // An email that failed for reasons Resend will repeat (key, sender, quota) cannot carry the alert either.
  if (failed.step === "digest" && failed.exitCode === 4) {
    result.alert = { sent: false, error: "the digest itself could not be sent; not trying an alert" };
    return;
  }
  try {
    const settings = resolveEmailSettings(deps);
    const message = renderFailureAlert({
      step: failed.step,
      message: failed.error ?? "unknown error",
      hint: failed.hint,
      logPath: runLogPath(deps),
      when: result.start,
    });
    const key = idempotencyKey("alert", settings.to, result.start.slice(0, 10), message);
    const { id } = await sendEmail(settings, message, { idempotencyKey: key, maxAttempts: 2 });
    result.alert = { sent: true, id };
  } catch (error) {
    result.alert = { sent: false, error: error instanceof Error ? error.message : String(error) };
  }
}
