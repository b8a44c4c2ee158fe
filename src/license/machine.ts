import { createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Deps } from "../deps.js";

const HOST_ID_FILES = ["/etc/machine-id", "/var/lib/dbus/machine-id"];

/** Where the random part of the machine id lives: `machine-id` next to credentials.json. */
export function machineIdPath(deps: Deps): string {
  return join(deps.home.configDir, "machine-id");
}

/**
 * A stable machine id that is not personal data: a random id created once in the home folder, hashed
 * together with the host's own machine id where there is one (/etc/machine-id on Linux). Neither
 * input can be recovered from it, and a home folder copied to another computer gives another id.
 */
export function machineId(deps: Deps): string {
  const random = readOrCreateRandomId(machineIdPath(deps));
  const host = hostMachineId();
  return createHash("sha256").update(`authorstack-machine:${host}:${random}`).digest("hex").slice(0, 32);
}

function hostMachineId(): string {
  for (const file of HOST_ID_FILES) {
    try {
      const id = readFileSync(file, "utf8").trim();
      if (id) return id;
    } catch {
      // not on this platform
    }
  }
  return "";
}

function readOrCreateRandomId(path: string): string {
  const existing = readRandomId(path);
  if (existing) return existing;
  const id = randomBytes(16).toString("hex");
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    // "wx": two processes starting at once agree on the first id written.
    writeFileSync(path, `${id}\n`, { mode: 0o600, flag: "wx" });
    return id;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const winner = readRandomId(path);
    if (winner) return winner;
    // A damaged file: replace it.
    writeFileSync(path, `${id}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
    return id;
  }
}

function readRandomId(path: string): string | undefined {
  try {
    const id = readFileSync(path, "utf8").trim();
    return /^[0-9a-f]{32,}$/.test(id) ? id : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
