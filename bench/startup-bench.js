#!/usr/bin/env node
/**
 * CLI start-up: `authorstack --version` and `--help` against `node -e 0`, median of 21 runs each,
 * measured in the same run. Target: under 1.5x of `node -e 0` (commands load their modules lazily).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Number(process.argv[2] ?? 21);

function median(args) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { stdio: "ignore" });
    if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const bin = join(root, "bin/authorstack.js");
const baseline = median(["-e", "0"]);
console.log(`CLI start-up, median of ${RUNS} runs`);
console.log(`  node -e 0                ${baseline.toFixed(1)} ms`);
for (const flag of ["--version", "--help"]) {
  const t = median([bin, flag]);
  const ratio = t / baseline;
  console.log(
    `  authorstack ${flag.padEnd(12)} ${t.toFixed(1)} ms   ${ratio.toFixed(2)}x   (target: under 1.5x)${ratio < 1.5 ? "" : "   ← over target"}`,
  );
}
