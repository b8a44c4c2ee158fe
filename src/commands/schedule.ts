/**
 * `schedule install|show|remove`: one marked line in the user's crontab, written through the
 * `crontab` command, that runs `authorstack run --email --quiet` with absolute paths to node and to
 * bin/authorstack.js and this home pinned as absolute paths. The marker carries a short hash of the home folder,
 * so two homes can each have their own line, and installing twice replaces rather than adds.
 * Everything else in the crontab is kept byte for byte. Where `crontab` is missing, the line to add
 * by hand is returned instead.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Deps } from "../deps.js";
import { apiKeyFrom, recipientFrom, senderFrom } from "../email/settings.js";
import { AuthorstackError, UsageError } from "../errors.js";

export interface ScheduleInstallOptions {
  daily?: string;
  cron?: string;
}

export interface ScheduleResult {
  /** installed: written; unchanged: the same line was already there; removed / absent; manual: no crontab command. */
  action: "installed" | "unchanged" | "removed" | "absent" | "manual" | "shown";
  /** The marked line (this home's), or null when there is none. */
  line: string | null;
  schedule: string | null;
  /** False when the `crontab` command is missing. */
  crontab: boolean;
  /** Things the cron job will need that are only in this shell's environment, or missing. */
  warnings: string[];
  /** Notes for people (e.g. the Resend key was stored for the cron job). */
  notes: string[];
}

export const DEFAULT_DAILY = "07:30";
const MARKER_PREFIX = "# authorstack-schedule:";

/** The marker for this home folder: the same home always gets the same marker. */
export function markerFor(deps: Deps): string {
  const id = createHash("sha256").update(resolve(deps.home.dataDir)).digest("hex").slice(0, 10);
  return `${MARKER_PREFIX}${id}`;
}

export function cronExpression(options: ScheduleInstallOptions): string {
  if (options.daily !== undefined && options.cron !== undefined) {
    throw new UsageError("give either --daily HH:MM or --cron EXPR, not both.");
  }
  if (options.cron !== undefined) {
    const expr = options.cron.trim().replace(/\s+/g, " ");
    if (/^@(hourly|daily|midnight|weekly|monthly|yearly|annually)$/.test(expr)) return expr;
    const fields = expr.split(" ");
    const field = /^[0-9A-Za-z*,/-]+$/;
    if (fields.length !== 5 || !fields.every((f) => field.test(f))) {
      throw new UsageError(`--cron "${options.cron}" is not a cron schedule.`, {
        hint: 'Give five fields (minute hour day-of-month month day-of-week), e.g. --cron "30 7 * * 1-5", or one of @hourly @daily @weekly @monthly.',
      });
    }
    return expr;
  }
  const daily = options.daily ?? DEFAULT_DAILY;
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(daily.trim());
  if (!m) {
    throw new UsageError(`--daily "${daily}" is not a time of day.`, {
      hint: "Use 24-hour HH:MM, e.g. --daily 07:30.",
    });
  }
  return `${Number(m[2])} ${Number(m[1])} * * *`;
}

/** Quotes a word for /bin/sh (cron runs the line with sh) and escapes cron's `%`. */
function shellWord(word: string): string {
  const quoted = /^[A-Za-z0-9_./:=@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
  return quoted.replace(/%/g, "\\%");
}

export function scriptPath(): string {
  const path = fileURLToPath(new URL("../../bin/authorstack.js", import.meta.url));
  return existsSync(path) ? realpathSync(path) : path;
}

export function cronLine(deps: Deps, expr: string): string {
  return `${expr} ${homeAssignments(deps)}${shellWord(process.execPath)} ${shellWord(scriptPath())} run --email --quiet ${markerFor(deps)}`;
}

/**
 * Cron starts in $HOME with a bare environment: the line pins this home with absolute paths, so the
 * job opens the same folders whatever this shell's working directory and variables were.
 */
function homeAssignments(deps: Deps): string {
  const dataDir = resolve(deps.home.dataDir);
  const configDir = resolve(deps.home.configDir);
  if (dataDir === configDir) return `AUTHORSTACK_HOME=${shellWord(dataDir)} `;
  // The platform folders. On Linux they are $XDG_DATA_HOME/authorstack and $XDG_CONFIG_HOME/authorstack;
  // on macOS they follow from $HOME, which cron sets.
  if (process.platform === "darwin" || process.platform === "win32") return "";
  return `XDG_DATA_HOME=${shellWord(dirname(dataDir))} XDG_CONFIG_HOME=${shellWord(dirname(configDir))} `;
}

// --- crontab access ---------------------------------------------------------------------------------

class CrontabMissing extends Error {}

/** The user's crontab, or null when this machine has no `crontab` command. */
function readCrontabIfInstalled(deps: Deps): string | null {
  try {
    return readCrontab(deps);
  } catch (error) {
    if (error instanceof CrontabMissing) return null;
    throw error;
  }
}

function manual(warning: string): ScheduleResult {
  return { action: "manual", line: null, schedule: null, crontab: false, warnings: [warning], notes: [] };
}

function crontab(
  deps: Deps,
  args: string[],
  input?: string,
): { status: number; stdout: string; stderr: string } {
  const result = spawnSync("crontab", args, {
    env: deps.env,
    input,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
    timeout: 30_000,
  });
  if (result.error) {
    if ((result.error as NodeJS.ErrnoException).code === "ENOENT") throw new CrontabMissing();
    throw new AuthorstackError(`could not run \`crontab ${args.join(" ")}\`: ${result.error.message}`);
  }
  return { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

function readCrontab(deps: Deps): string {
  const r = crontab(deps, ["-l"]);
  if (r.status === 0) return r.stdout;
  if (/no crontab/i.test(r.stderr)) return "";
  throw new AuthorstackError(`\`crontab -l\` failed: ${r.stderr.trim() || `exit ${r.status}`}`, {
    hint: "Check that your user may use cron (see /etc/cron.allow and /etc/cron.deny), or add the line by hand.",
  });
}

function writeCrontab(deps: Deps, content: string): void {
  const r = crontab(deps, ["-"], content);
  if (r.status !== 0) {
    throw new AuthorstackError(
      `\`crontab -\` refused the new crontab: ${r.stderr.trim() || `exit ${r.status}`}`,
      {
        hint: "Your crontab was left as it was. Add the line by hand with `crontab -e`.",
      },
    );
  }
}

/** Lines with their own terminators, so joining them gives back the exact bytes. */
function splitLines(content: string): string[] {
  return content.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function isOurs(line: string, marker: string): boolean {
  return line
    .replace(/\r?\n$/, "")
    .trimEnd()
    .endsWith(marker);
}

// --- what the cron job will lack ----------------------------------------------------------------------

function cronReadiness(deps: Deps, notes: string[]): string[] {
  const warnings: string[] = [];
  const env = deps.env;
  // The cron job does not see this shell's environment: the Resend key goes to the credentials store.
  if (env.RESEND_API_KEY?.trim()) {
    const stored = safeStoredResendKey(deps);
    if (stored !== env.RESEND_API_KEY.trim()) {
      deps.credentials.set("resend", { apiKey: env.RESEND_API_KEY.trim() });
      notes.push(
        "Stored the Resend API key from RESEND_API_KEY in credentials.json (mode 0600) so the cron job can send mail.",
      );
    }
  } else if (!apiKeyFrom(deps)) {
    warnings.push(
      "No Resend API key: run `RESEND_API_KEY=re_... authorstack schedule install` once so the key is stored for the cron job.",
    );
  }
  if (!deps.config()["email.from"]?.trim()) {
    warnings.push(
      senderFrom(deps)
        ? "AUTHORSTACK_EMAIL_FROM is only set in this shell; cron will not see it. Run `authorstack config set email.from <address>`."
        : "No sender address: run `authorstack config set email.from you@your-verified-domain.com`.",
    );
  }
  if (!deps.config()["digest.email"]?.trim()) {
    warnings.push(
      recipientFrom(deps)
        ? "AUTHORSTACK_EMAIL_TO is only set in this shell; cron will not see it. Run `authorstack config set digest.email <address>`."
        : "No recipient: run `authorstack config set digest.email you@example.com`.",
    );
  }
  if (env.GUMROAD_ACCESS_TOKEN?.trim() && !safeHas(deps, "gumroad")) {
    warnings.push(
      "GUMROAD_ACCESS_TOKEN is only set in this shell; cron will not see it. Run `authorstack auth login gumroad` (or `--with-token`).",
    );
  }
  if (env.AUTHORSTACK_LICENSE_KEY?.trim() && !safeHas(deps, "license")) {
    warnings.push(
      "AUTHORSTACK_LICENSE_KEY is only set in this shell; cron will not see it. Run `authorstack license activate <key>`.",
    );
  }
  return warnings;
}

function safeStoredResendKey(deps: Deps): string | undefined {
  try {
    return deps.credentials.get("resend")?.apiKey;
  } catch {
    return undefined;
  }
}

function safeHas(deps: Deps, service: string): boolean {
  try {
    return deps.credentials.get(service) !== undefined;
  } catch {
    return false;
  }
}

// --- commands -------------------------------------------------------------------------------------------

async function pro(deps: Deps): Promise<void> {
  const { requirePro } = await import("../license/gate.js");
  await requirePro(deps, "schedule");
}

export async function runScheduleInstall(
  options: ScheduleInstallOptions,
  deps: Deps,
): Promise<ScheduleResult> {
  const expr = cronExpression(options);
  await pro(deps);
  const line = cronLine(deps, expr);
  const marker = markerFor(deps);
  const notes: string[] = [];
  const warnings = cronReadiness(deps, notes);
  const current = readCrontabIfInstalled(deps);
  if (current === null) return { action: "manual", line, schedule: expr, crontab: false, warnings, notes };
  const lines = splitLines(current);
  const ours = lines.filter((l) => isOurs(l, marker));
  if (ours.length === 1 && ours[0]!.replace(/\n$/, "") === line) {
    return { action: "unchanged", line, schedule: expr, crontab: true, warnings, notes };
  }
  let next: string;
  if (ours.length > 0) {
    let replaced = false;
    next = lines
      .map((l) => {
        if (!isOurs(l, marker)) return l;
        if (replaced) return "";
        replaced = true;
        return `${line}\n`;
      })
      .join("");
  } else {
    next = `${current}${current === "" || current.endsWith("\n") ? "" : "\n"}${line}\n`;
  }
  writeCrontab(deps, next);
  return { action: "installed", line, schedule: expr, crontab: true, warnings, notes };
}

export async function runScheduleShow(_options: Record<string, never>, deps: Deps): Promise<ScheduleResult> {
  const marker = markerFor(deps);
  const current = readCrontabIfInstalled(deps);
  if (current === null) {
    return manual("The `crontab` command is not installed here; a schedule added by hand cannot be checked.");
  }
  const ours = splitLines(current).find((l) => isOurs(l, marker));
  const line = ours ? ours.replace(/\r?\n$/, "") : null;
  const schedule = line
    ? line.startsWith("@")
      ? line.split(" ")[0]!
      : line.split(/\s+/).slice(0, 5).join(" ")
    : null;
  return { action: "shown", line, schedule, crontab: true, warnings: [], notes: [] };
}

export async function runScheduleRemove(
  _options: Record<string, never>,
  deps: Deps,
): Promise<ScheduleResult> {
  const marker = markerFor(deps);
  const current = readCrontabIfInstalled(deps);
  if (current === null) {
    return manual(
      `The \`crontab\` command is not installed here; remove the line ending in "${marker}" by hand.`,
    );
  }
  const lines = splitLines(current);
  const ours = lines.filter((l) => isOurs(l, marker));
  if (ours.length === 0)
    return { action: "absent", line: null, schedule: null, crontab: true, warnings: [], notes: [] };
  writeCrontab(deps, lines.filter((l) => !isOurs(l, marker)).join(""));
  return {
    action: "removed",
    line: ours[0]!.replace(/\r?\n$/, ""),
    schedule: null,
    crontab: true,
    warnings: [],
    notes: [],
  };
}
