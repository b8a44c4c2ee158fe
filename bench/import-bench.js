#!/usr/bin/env node
/**
 * KDP import benchmark: `npm run build && node bench/import-bench.js [rows]` (default 1,000,000).
 *
 * Generates a Combined Sales sheet saved as CSV, imports it end to end with the built CLI into a
 * fresh home, and prints the time beside what the sqlite3 shell's `.import` takes for the same file
 * (the floor: no parsing, no checks, text columns, no index), with the CLI's peak memory.
 * Targets: within 3x of `.import`; peak memory under 250 MB.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateCombinedCsv } from "./generate.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const ROWS = Number(process.argv[2] ?? 1_000_000);

/** Runs a command, returning wall seconds and its peak resident memory (VmHWM, polled). */
function measure(command, args, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let peakKb = 0;
    child.stderr.on("data", (d) => (stderr += d));
    const poll = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        peakKb = Math.max(peakKb, hwm);
      } catch {}
    }, 25);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(poll);
      if (code !== 0) reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${stderr}`));
      else resolve({ seconds: (performance.now() - started) / 1000, peakMb: peakKb / 1024 });
    });
  });
}

const work = mkdtempSync(join(tmpdir(), "authorstack-bench-"));
try {
  const csv = join(work, "combined-sales.csv");
  await generateCombinedCsv(csv, ROWS);
  const size = statSync(csv).size;
  console.log(
    `Import of a ${ROWS.toLocaleString("en-US")}-row Combined Sales CSV (${(size / 1e6).toFixed(0)} MB)`,
  );

  const home = join(work, "home");
  const ours = await measure(
    process.execPath,
    [join(root, "bin/authorstack.js"), "import", "kdp", csv, "-q"],
    {
      ...process.env,
      AUTHORSTACK_HOME: home,
    },
  );
  const stored = execFileSync("sqlite3", [join(home, "authorstack.db"), "SELECT COUNT(*) FROM sales"], {
    encoding: "utf8",
  }).trim();
  console.log(
    `  authorstack import kdp   ${ours.seconds.toFixed(2)} s   peak ${ours.peakMb.toFixed(0)} MB   (${stored} rows stored)`,
  );

  let sqlite = null;
  try {
    execFileSync("sqlite3", ["-version"], { stdio: "ignore" });
    sqlite = await measure(
      "sqlite3",
      [join(work, "plain.db"), ".mode csv", `.import ${csv} sales`],
      process.env,
    );
    console.log(
      `  sqlite3 .import         ${sqlite.seconds.toFixed(2)} s   peak ${sqlite.peakMb.toFixed(0)} MB`,
    );
  } catch {
    console.log("  sqlite3 .import         (the sqlite3 shell is not installed: apt-get install sqlite3)");
  }
  if (sqlite) {
    const ratio = ours.seconds / sqlite.seconds;
    console.log(
      `  ratio                   ${ratio.toFixed(2)}x   (target: within 3x)${ratio <= 3 ? "" : "   ← over target"}`,
    );
  }
  console.log(
    `  peak memory             ${ours.peakMb.toFixed(0)} MB (target: under 250 MB)${ours.peakMb < 250 ? "" : "   ← over target"}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
