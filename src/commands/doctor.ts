import { existsSync, statSync } from "node:fs";
import type { Deps } from "../deps.js";
import { AuthorstackError } from "../errors.js";
import { openDatabase, SCHEMA_VERSION } from "../store/db.js";

/**
 * `authorstack doctor`: one line per concern with ✓ (fine), ✗ (broken, with the fix) or · (not set
 * up; optional). Checks only what this machine can tell, plus one Gumroad API call when a token is
 * present; it never contacts the licence service.
 */
export type CheckStatus = "ok" | "fail" | "off";

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export interface DoctorResult {
  ok: boolean;
  checks: DoctorCheck[];
}

export async function runDoctor(_options: object, deps: Deps): Promise<DoctorResult> {
  const checks: DoctorCheck[] = [
    checkHome(deps),
    checkCredentials(deps),
    checkDatabase(deps),
    await checkGumroad(deps),
    await checkLicense(deps),
    await checkEmail(deps),
    await checkSchedule(deps),
  ];
  return { ok: checks.every((c) => c.status !== "fail"), checks };
}

function modeOf(path: string): number | null {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return null;
  }
}

function checkHome(deps: Deps): DoctorCheck {
  const { configDir, dataDir } = deps.home;
  if (!existsSync(dataDir) && !existsSync(configDir)) {
    return { name: "home folder", status: "ok", detail: `${dataDir} (not created yet: nothing stored)` };
  }
  const mode = modeOf(configDir);
  if (
    mode !== null &&
    process.platform !== "win32" &&
    (mode & 0o077) !== 0 &&
    existsSync(deps.home.credentials)
  ) {
    return {
      name: "home folder",
      status: "fail",
      detail: `${configDir} is open to other users (mode ${mode.toString(8)}) and holds credentials`,
      fix: `chmod 700 "${configDir}"`,
    };
  }
  const where = dataDir === configDir ? dataDir : `${dataDir}, ${configDir}`;
  return { name: "home folder", status: "ok", detail: where };
}

function checkCredentials(deps: Deps): DoctorCheck {
  if (!existsSync(deps.home.credentials)) return { name: "credentials", status: "ok", detail: "none stored" };
  try {
    deps.credentials.get("gumroad");
    return { name: "credentials", status: "ok", detail: `${deps.home.credentials} (mode 600)` };
  } catch (error) {
    const e = error as AuthorstackError;
    return { name: "credentials", status: "fail", detail: e.message, fix: e.hint };
  }
}

function checkDatabase(deps: Deps): DoctorCheck {
  const path = deps.home.database;
  if (!existsSync(path)) {
    return {
      name: "database",
      status: "off",
      detail: "no sales stored yet",
      fix: "authorstack import kdp <file> or authorstack sync gumroad",
    };
  }
  let db: ReturnType<typeof openDatabase>;
  try {
    db = openDatabase(path);
  } catch (error) {
    const e = error as AuthorstackError;
    return { name: "database", status: "fail", detail: e.message, fix: e.hint };
  }
  try {
    const check = db.pragma("quick_check", { simple: true }) as string;
    if (check !== "ok") {
      return {
        name: "database",
        status: "fail",
        detail: `${path} is damaged: ${check}`,
        fix: "Restore it from a backup, or move it aside and import your reports again.",
      };
    }
    const counts = db
      .prepare("SELECT source, COUNT(*) AS n FROM sales GROUP BY source ORDER BY source")
      .all() as {
      source: string;
      n: number;
    }[];
    const summary = counts.length ? counts.map((c) => `${c.n} ${c.source} rows`).join(", ") : "no sales yet";
    return {
      name: "database",
      status: "ok",
      detail: `${path}: schema ${SCHEMA_VERSION}, intact, ${summary}`,
    };
  } finally {
    db.close();
  }
}

async function checkGumroad(deps: Deps): Promise<DoctorCheck> {
  const { gumroadToken, verifyToken } = await import("./auth.js");
  const { gumroadSettings, LOGIN_COMMAND } = await import("../sources/gumroad/api.js");
  let token: ReturnType<typeof gumroadToken>;
  try {
    token = gumroadToken(deps);
  } catch (error) {
    return {
      name: "gumroad",
      status: "fail",
      detail: (error as Error).message,
      fix: (error as AuthorstackError).hint,
    };
  }
  if (!token) return { name: "gumroad", status: "off", detail: "not connected", fix: LOGIN_COMMAND };
  try {
    const user = await verifyToken(gumroadSettings(deps.env, deps.config()), token.token);
    const who = user.name || user.email || "your account";
    const from = token.from === "env" ? " (token from GUMROAD_ACCESS_TOKEN)" : "";
    return { name: "gumroad", status: "ok", detail: `connected as ${who}${from}` };
  } catch (error) {
    if (error instanceof AuthorstackError) {
      return { name: "gumroad", status: "fail", detail: error.message, fix: error.hint ?? LOGIN_COMMAND };
    }
    throw error;
  }
}

async function checkLicense(deps: Deps): Promise<DoctorCheck> {
  const { inspectLicense } = await import("../license/check.js");
  const { ACTIVATE_HINT } = await import("../license/constants.js");
  const license = await inspectLicense(deps);
  switch (license.state) {
    case "none":
      return {
        name: "licence",
        status: "off",
        detail: "free (import, sync, report); Pro adds report --email, run and schedule",
        fix: ACTIVATE_HINT,
      };
    case "valid":
      return {
        name: "licence",
        status: "ok",
        detail: `Pro (${license.info.plan}) until ${license.info.expiresAt.slice(0, 10)}, working offline until ${license.info.graceUntil.slice(0, 10)}: ${license.info.allows.join(", ")}`,
      };
    case "grace":
      return {
        name: "licence",
        status: "fail",
        detail: `the licence token has expired; Pro keeps working offline until ${license.info.graceUntil.slice(0, 10)}`,
        fix: "Go online and run `authorstack license activate` to renew it.",
      };
    default:
      return { name: "licence", status: "fail", detail: license.message, fix: ACTIVATE_HINT };
  }
}

async function checkEmail(deps: Deps): Promise<DoctorCheck> {
  const { apiKeyFrom, recipientFrom, senderFrom } = await import("../email/settings.js");
  const missing = [
    apiKeyFrom(deps) ? null : "RESEND_API_KEY",
    senderFrom(deps) ? null : "AUTHORSTACK_EMAIL_FROM (or config email.from)",
    recipientFrom(deps) ? null : "AUTHORSTACK_EMAIL_TO (or config digest.email)",
  ].filter((m): m is string => m !== null);
  if (missing.length === 0) {
    return {
      name: "email",
      status: "ok",
      detail: `digest from ${senderFrom(deps)} to ${recipientFrom(deps)}`,
    };
  }
  return { name: "email", status: "off", detail: "not set up", fix: `Set ${missing.join(", ")}.` };
}

async function checkSchedule(deps: Deps): Promise<DoctorCheck> {
  const { runScheduleShow } = await import("./schedule.js");
  try {
    const shown = await runScheduleShow({}, deps);
    if (!shown.crontab)
      return { name: "schedule", status: "off", detail: "the crontab command is not installed" };
    if (!shown.line) {
      return {
        name: "schedule",
        status: "off",
        detail: "no cron job",
        fix: "authorstack schedule install --daily 07:30",
      };
    }
    return { name: "schedule", status: "ok", detail: `cron runs authorstack at "${shown.schedule}"` };
  } catch (error) {
    return { name: "schedule", status: "fail", detail: (error as Error).message };
  }
}
