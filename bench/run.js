#!/usr/bin/env node
// `npm run bench`: every benchmark, each printing its comparison measured in the same run.
// Pass a smaller size for a quick look: `npm run bench -- 100000` (import rows).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const rows = process.argv[2];
const benches = [["startup-bench.js"], ["import-bench.js", ...(rows ? [rows] : [])], ["sync-bench.js"]];
let failed = false;
for (const [script, ...args] of benches) {
  const result = spawnSync(process.execPath, [`${dir}${script}`, ...args], { stdio: "inherit" });
  if (result.status !== 0) failed = true;
  console.log();
}
process.exitCode = failed ? 1 : 0;
