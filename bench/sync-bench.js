#!/usr/bin/env node
/**
 * Gumroad sync benchmark: `npm run build && node bench/sync-bench.js [sales] [latencyMs]`.
 *
 * Runs the built CLI in-process (dist/) against the loopback fake Gumroad (test/fakes/gumroad.ts,
 * transpiled on the fly with TypeScript's transpileModule into bench/out/, no loader needed) with
 * 10,000 sales and 50 ms latency per request, twice, each into a fresh home:
 *   1. a plain sequential cursor walk (`sync gumroad --full --concurrency 1`),
 *   2. the windowed sync (`sync gumroad --full --concurrency 8`): date windows walked concurrently.
 * Both run under the same client-side rate cap (gumroad.requestsPerSecond, 100 here; the default
 * of 2/s would make both runs take minutes and measure only the cap). Prints both side by side and
 * checks that both stored exactly the fake's totals. Exits non-zero if they did not.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
const SALES = Number(process.argv[2] ?? 10_000);
const LATENCY_MS = Number(process.argv[3] ?? 50);
const RATE_CAP = Number(process.env.BENCH_RPS ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

async function loadFake() {
  const source = readFileSync(join(root, "test/fakes/gumroad.ts"), "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const outDir = join(root, "bench/out");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, "gumroad-fake.mjs");
  writeFileSync(file, outputText);
  return import(pathToFileURL(file).href);
}

function sink() {
  const chunks = [];
  return {
    stream: new Writable({
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        cb();
      },
    }),
    text: () => chunks.join(""),
  };
}

async function runSync(fake, token, concurrency) {
  const { main } = await import(pathToFileURL(join(root, "dist/main.js")).href);
  const { defaultDeps } = await import(pathToFileURL(join(root, "dist/deps.js")).href);
  const home = mkdtempSync(join(tmpdir(), "authorstack-bench-"));
  writeFileSync(join(home, "config.json"), JSON.stringify({ "gumroad.requestsPerSecond": String(RATE_CAP) }));
  const out = sink();
  const err = sink();
  const deps = {
    ...defaultDeps({
      PATH: process.env.PATH ?? "",
      AUTHORSTACK_HOME: home,
      AUTHORSTACK_GUMROAD_API_URL: fake.url,
      GUMROAD_ACCESS_TOKEN: token,
    }),
    stdin: Readable.from([]),
    stdout: out.stream,
    stderr: err.stream,
  };
  const before = fake.apiRequests.length;
  const start = process.hrtime.bigint();
  const code = await main(
    ["sync", "gumroad", "--json", "--full", "--concurrency", String(concurrency)],
    deps,
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (code !== 0) throw new Error(`sync exited ${code}: ${err.text()}`);
  const summary = JSON.parse(out.text());
  const Database = (await import("better-sqlite3")).default;
  const db = new Database(join(home, "authorstack.db"), { readonly: true });
  const totals = db
    .prepare(
      "SELECT COUNT(*) AS rows, SUM(units_sold) AS sold, SUM(units_free) AS free, SUM(units_refunded) AS refunded, SUM(royalty_micros) AS royalty FROM sales WHERE source = 'gumroad'",
    )
    .get();
  db.close();
  rmSync(home, { recursive: true, force: true });
  return { seconds, requests: fake.apiRequests.length - before, windows: summary.windows, totals };
}

const { startFakeGumroad } = await loadFake();
const fake = await startFakeGumroad({
  sales: SALES,
  seed: 2025,
  days: 1095,
  faults: { latencyMs: LATENCY_MS },
});
const token = fake.issueToken();
const expected = fake.expected();
let failed = false;
try {
  console.log(
    `Gumroad sync of ${SALES} sales, ${LATENCY_MS} ms latency per request, rate cap ${RATE_CAP} requests/s (loopback fake)`,
  );
  const sequential = await runSync(fake, token, 1);
  const windowed = await runSync(fake, token, CONCURRENCY);
  const rows = [
    ["plain sequential cursor walk", sequential],
    [`windowed sync (${windowed.windows} windows, ${CONCURRENCY} at a time)`, windowed],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(
    `${"".padEnd(width)}  ${"seconds".padStart(8)}  ${"requests".padStart(8)}  ${"sales/s".padStart(8)}  totals`,
  );
  for (const [name, r] of rows) {
    const ok =
      r.totals.rows === expected.count &&
      r.totals.sold === expected.units.sold &&
      r.totals.free === expected.units.free &&
      r.totals.refunded === expected.units.refunded &&
      r.totals.royalty === expected.royaltyCents * 10_000;
    if (!ok) failed = true;
    console.log(
      `${name.padEnd(width)}  ${r.seconds.toFixed(2).padStart(8)}  ${String(r.requests).padStart(8)}  ${Math.round(
        SALES / r.seconds,
      )
        .toString()
        .padStart(8)}  ${ok ? "= fake" : "MISMATCH"}`,
    );
  }
  console.log(`speed-up: ${(sequential.seconds / windowed.seconds).toFixed(1)}×`);
} finally {
  await fake.close();
}
if (failed) {
  console.error("the stored totals differ from the fake's own totals");
  process.exitCode = 1;
}
