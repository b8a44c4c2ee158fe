/**
 * The run lock: one file in the home folder (deps.home.lock) created with O_EXCL, holding the owner's
 * pid, host, process start time and when it was taken. A second run finds it and fails at once with
 * BusyError (exit 6). A lock whose owner is gone (killed run, reboot) is stale and is taken over; the
 * take-over itself is serialised by a second O_EXCL file so two runs that find the same stale lock do
 * not both win. The process start time guards against a recycled pid looking alive.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { BusyError } from "../errors.js";

export interface LockOwner {
  pid: number;
  host: string;
  /** Kernel start time of the process (Linux /proc/<pid>/stat field 22), when known. */
  started: string | null;
  since: string;
  command: string;
}

export interface HeldLock {
  path: string;
  owner: LockOwner;
  release(): void;
}

function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null; // field 22 overall
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether the owner recorded in a lock file is still running (unknown hosts count as alive). */
export function ownerAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  if (!pidAlive(owner.pid)) return false;
  if (owner.started) {
    const now = processStartTime(owner.pid);
    if (now !== null && now !== owner.started) return false; // the pid was recycled
  }
  return true;
}

function readOwner(path: string): LockOwner | null | "missing" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    if (typeof owner.pid !== "number") return null;
    return owner;
  } catch {
    return null; // half-written or damaged
  }
}

function createExclusive(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function busy(path: string, owner: LockOwner | null): BusyError {
  const who = owner
    ? `process ${owner.pid}${owner.host !== hostname() ? ` on ${owner.host}` : ""}, since ${owner.since}${owner.command ? ` (${owner.command})` : ""}`
    : "another process";
  return new BusyError(`another authorstack run holds the lock ${path}: ${who}.`, {
    hint:
      owner && owner.host !== hostname()
        ? `Wait for it to finish. If that computer no longer runs AuthorStack, delete ${path}.`
        : "Wait for it to finish and try again.",
  });
}

/** Takes the lock or throws BusyError at once. `now` only stamps the file. */
export function acquireLock(path: string, options: { command: string; now?: () => Date }): HeldLock {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    started: processStartTime(process.pid),
    since: (options.now ?? (() => new Date()))().toISOString(),
    command: options.command,
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(path, owner)) return held(path, owner);
    const existing = readOwner(path);
    if (existing === "missing") continue; // released meanwhile: try again
    if (existing !== null && ownerAlive(existing)) throw busy(path, existing);
    if (existing === null && !damagedLongEnough(path)) throw busy(path, null);
    // Stale: take it over under the recovery lock, re-checking that it is still the same stale file.
    if (!recoverStale(path, existing)) throw busy(path, existing === null ? null : existing);
  }
  throw busy(path, null);
}

/** A lock file that does not parse may be one being written right now; give its writer a moment. */
function damagedLongEnough(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > 5_000;
  } catch {
    return true;
  }
}

function recoverStale(path: string, seen: LockOwner | null): boolean {
  const guard = `${path}.recover`;
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    started: processStartTime(process.pid),
    since: new Date().toISOString(),
    command: "lock recovery",
  };
  if (!createExclusive(guard, me)) {
    // Someone else is recovering, or a recovery was killed half-way: clear a dead one and let the caller retry.
    const other = readOwner(guard);
    if (other === "missing") return true;
    if (other !== null && ownerAlive(other)) return false;
    rmSync(guard, { force: true });
    return true;
  }
  try {
    const again = readOwner(path);
    if (again === "missing") return true;
    const same =
      again === null ? seen === null : seen !== null && again.pid === seen.pid && again.since === seen.since;
    if (!same) return again !== null && !ownerAlive(again);
    rmSync(path, { force: true });
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}

function held(path: string, owner: LockOwner): HeldLock {
  let released = false;
  return {
    path,
    owner,
    release() {
      if (released) return;
      released = true;
      const current = readOwner(path);
      if (
        current !== "missing" &&
        current !== null &&
        current.pid === owner.pid &&
        current.since === owner.since
      ) {
        rmSync(path, { force: true });
      }
    },
  };
}
