/**
 * The built binary in a temp AUTHORSTACK_HOME, as an author runs it: version, help, the bundled
 * sample, and a large CSV that the import parses on a worker thread (the path only the built CLI
 * takes), checked against the same file parsed in-process.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCombinedCsv } from "../bench/generate.js";
import { FIXTURES, makeHome } from "./helpers/cli.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "authorstack.js");
const built =
  existsSync(join(ROOT, "dist", "main.js")) && existsSync(join(ROOT, "dist", "sources", "kdp", "worker.js"));
if (!built)
  console.warn("\n!!! dist/ is missing: run `npm run build` (npm test does). e2e CLI tests SKIPPED.\n");

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "authorstack-e2e-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(home: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, AUTHORSTACK_HOME: home },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.skipIf(!built)("the built CLI", () => {
  it("prints its version and help", async () => {
    const home = join(work, "h1");
    const version = await cli(home, "--version");
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await cli(home, "--help");
    expect(help.code).toBe(0);
    for (const verb of ["import", "report", "config", "auth", "sync", "license", "run", "schedule"]) {
      expect(help.stdout).toContain(verb);
    }
    expect(existsSync(home)).toBe(false); // --help and --version create nothing
  });

  it("imports the bundled sample and reports it", async () => {
    const home = join(work, "h2");
    const sample = join(FIXTURES, "sample");
    const imported = await cli(
      home,
      "import",
      "kdp",
      join(sample, "KDP_Royalties_Estimator-sample.xlsx"),
      join(sample, "KDP_Prior_Month_Royalties-2025-09-01-sample.xlsx"),
      join(sample, "combined-sales-december.csv"),
    );
    expect(imported.code, imported.stderr).toBe(0);
    const report = await cli(home, "report", "--from", "2025-09-01", "--to", "2025-12-31", "--json");
    expect(JSON.parse(report.stdout).totals.royalties).toEqual({
      EUR: "25.65",
      GBP: "6.21",
      JPY: "350",
      USD: "138.19",
    });
    const bad = await cli(home, "report", "--by", "planet");
    expect(bad.code).toBe(2);
  });

  it("parses a large CSV on a worker thread with the same result as in-process", async () => {
    const csv = join(work, "large.csv");
    await generateCombinedCsv(csv, 80_000); // ~10 MB: over the threaded-parse threshold
    const home = join(work, "h3");
    const threaded = await cli(home, "import", "kdp", csv, "--json");
    expect(threaded.code, threaded.stderr).toBe(0);
    const reportArgs = [
      "report",
      "--from",
      "2020-01-01",
      "--to",
      "2025-12-31",
      "--by",
      "marketplace",
      "--json",
    ];
    const fromBinary = JSON.parse((await cli(home, ...reportArgs)).stdout);

    const inProcess = makeHome();
    try {
      expect((await inProcess.run("import", "kdp", csv)).code).toBe(0);
      const fromTests = JSON.parse((await inProcess.run(...reportArgs)).stdout);
      expect(fromBinary).toEqual(fromTests);
      expect(fromBinary.totals.units.sold).toBe(200_000);
      expect(JSON.parse(threaded.stdout).files[0].rowsStored).toBe(80_000);
    } finally {
      inProcess.cleanup();
    }
  });

  it("reports a bad cell found by the worker thread with exit 3, writing nothing", async () => {
    const csv = join(work, "large-bad.csv");
    await generateCombinedCsv(csv, 80_000);
    writeFileSync(
      csv,
      "2025-01,Bad Row,Someone,B0BAD00001,Amazon.com,70%,Standard,1,0,1,4.99,4.99,0.09,1.2.3,USD\n",
      { flag: "a" },
    );
    const home = join(work, "h4");
    const r = await cli(home, "import", "kdp", csv);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('row 80002, column "N (Royalty)": "1.2.3" is not a number');
    const count = await cli(home, "report", "--from", "2020-01-01", "--to", "2025-12-31", "--json");
    expect(JSON.parse(count.stdout).rows).toEqual([]);
  });
});
