/**
 * End to end with the built programs: `node bin/authorstack-license-service.js` (a child process,
 * configured by environment, against the fake Whop) and `node bin/authorstack.js` (the CLI).
 * Needs `npm run build` (npm test does it); builds once here when dist/ is missing.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_PRODUCT_ID, FAKE_WHOP_KEY, type FakeWhop, startFakeWhop } from "./fakes/whop.js";
import { testKeyPair } from "./license-helpers.js";

const ROOT = join(import.meta.dirname, "..");

let whop: FakeWhop;
let service: ChildProcess;
let serviceUrl = "";
let serviceLog = "";
let home: string;
const keys = testKeyPair();

function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/authorstack.js"), ...argv], {
      env: {
        PATH: process.env.PATH ?? "",
        AUTHORSTACK_HOME: home,
        AUTHORSTACK_LICENSE_URL: serviceUrl,
        AUTHORSTACK_LICENSE_PUBLIC_KEY: keys.publicPem,
        CI: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/license-service/main.js")) || !existsSync(join(ROOT, "dist/main.js"))) {
    try {
      execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], {
        cwd: ROOT,
        stdio: "ignore",
      });
    } catch {
      // Type errors elsewhere still emit JavaScript; the checks below fail clearly if not.
    }
  }
  home = mkdtempSync(join(tmpdir(), "authorstack-license-e2e-"));
  whop = await startFakeWhop();
  whop.add({ license_key: "E2E-PRO-KEY-0001", metadata: { crm_id: "c-42" } });
  service = spawn(process.execPath, [join(ROOT, "bin/authorstack-license-service.js")], {
    env: {
      PATH: process.env.PATH ?? "",
      PORT: "0",
      WHOP_API_KEY: FAKE_WHOP_KEY,
      WHOP_API_URL: whop.apiUrl,
      WHOP_PRODUCT_ID: FAKE_PRODUCT_ID,
      LICENSE_SIGNING_KEY: keys.privatePem,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  service.stderr!.on("data", (d) => (serviceLog += d));
  serviceUrl = await new Promise<string>((resolve, reject) => {
    service.stdout!.on("data", (d) => {
      serviceLog += d;
      const match = /"msg":"listening","port":(\d+)/.exec(serviceLog);
      if (match) resolve(`http://127.0.0.1:${match[1]}`);
    });
    service.on("exit", (code) => reject(new Error(`licence service exited (${code}): ${serviceLog}`)));
  });
});

afterAll(async () => {
  if (service.exitCode === null) service.kill("SIGTERM");
  await whop?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("licence end to end (built binaries)", () => {
  it("activate → status --json shows Pro with expiry; keeps working after the service stops", async () => {
    const fresh = await cli("license", "status", "--json");
    expect(fresh.code).toBe(0);
    expect(JSON.parse(fresh.stdout)).toMatchObject({ pro: false, plan: "free" });

    const gated = await cli("report", "--email", "--dry-run");
    expect(gated.code).toBe(4);
    expect(gated.stderr).toMatch(/part of AuthorStack Pro/);
    expect(gated.stderr).toMatch(/authorstack license activate <key>/);

    const activated = await cli("license", "activate", "E2E-PRO-KEY-0001");
    expect(activated.stderr).toMatch(/AuthorStack Pro is active/);
    expect(activated.code).toBe(0);
    expect(whop.find("E2E-PRO-KEY-0001")!.metadata).toMatchObject({
      crm_id: "c-42",
      hwid: expect.any(String),
    });

    const status = await cli("license", "status", "--json");
    const s = JSON.parse(status.stdout);
    expect(s).toMatchObject({ pro: true, plan: "pro", status: "active", state: "valid" });
    expect(Date.parse(s.expiresAt)).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);

    // The service's logs: JSON lines, no Whop key, no licence key.
    expect(serviceLog).toContain('"path":"/v1/licenses/validate"');
    expect(serviceLog).not.toContain(FAKE_WHOP_KEY);
    expect(serviceLog).not.toContain("E2E-PRO-KEY-0001");

    // `report --email` is allowed now (dry run: nothing is sent).
    const allowed = await cli("report", "--email", "--dry-run");
    expect(allowed.stderr).not.toMatch(/AuthorStack Pro/);
    expect(allowed.code).toBe(0);

    service.kill("SIGTERM");
    await new Promise((resolve) => service.once("exit", resolve));
    const offline = await cli("license", "status", "--json");
    expect(JSON.parse(offline.stdout)).toMatchObject({ pro: true, state: "valid" });
    const offlineReport = await cli("report", "--email", "--dry-run");
    expect(offlineReport.code).toBe(0);
  });
});

describe("the published package", () => {
  it("npm pack --dry-run lists no licence service code or secrets", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    expect(files).toContain("dist/license/gate.js");
    expect(files.filter((f) => f.startsWith("dist/license-service/"))).toEqual([]);
    expect(files.filter((f) => /\.env|\.pem$|private|secret/i.test(f))).toEqual([]);
  });
});
