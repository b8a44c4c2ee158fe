/**
 * Test harness for the email / HTML / run / schedule tests: a temp AUTHORSTACK_HOME, in-process
 * `main(argv, deps)` with captured streams and a fixed clock, a Pro licence signed with a test key
 * (AUTHORSTACK_LICENSE_PUBLIC_KEY), and seeded sales.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { CompactSign, importPKCS8 } from "jose";
import { readConfig } from "../../src/config.js";
import { FileCredentialStore } from "../../src/credentials.js";
import type { Deps } from "../../src/deps.js";
import { resolveHome } from "../../src/home.js";
import { TOKEN_AUDIENCE, TOKEN_ISSUER, TOKEN_TYPE } from "../../src/license/constants.js";
import { licenseKeyHash } from "../../src/license/hash.js";
import { machineId } from "../../src/license/machine.js";
import { storeLicenseKey, writeCachedLicense } from "../../src/license/store.js";
import { main } from "../../src/main.js";
import { emptyRecord, type SaleRecord } from "../../src/model.js";
import { openDatabase } from "../../src/store/db.js";
import { saleInserter } from "../../src/store/sales.js";

export const TEST_LICENSE_KEY = "whop_test_license_key_0001";
/** The fixed clock of in-process runs (makeDeps / runCli / grantPro defaults). */
export const DEFAULT_NOW = new Date("2025-08-01T07:30:00Z");

export interface TestHome {
  dir: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

export function makeHome(extraEnv: NodeJS.ProcessEnv = {}): TestHome {
  const dir = mkdtempSync(join(tmpdir(), "authorstack-test-"));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    AUTHORSTACK_HOME: dir,
    // Never reach a real licence service: a loopback port nobody listens on.
    AUTHORSTACK_LICENSE_URL: "http://127.0.0.1:9",
    NO_COLOR: "1",
    ...extraEnv,
  };
  return { dir, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Captured {
  deps: Deps;
  stdout: () => string;
  stderr: () => string;
  opened: string[];
}

export function makeDeps(env: NodeJS.ProcessEnv, now = DEFAULT_NOW): Captured {
  const home = resolveHome(env);
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (c: Buffer) => (stdout += c.toString()));
  err.on("data", (c: Buffer) => (stderr += c.toString()));
  const stdin = new PassThrough();
  const opened: string[] = [];
  const deps: Deps = {
    env,
    home,
    now: () => now,
    stdin,
    stdout: out,
    stderr: err,
    credentials: new FileCredentialStore(home.credentials),
    openBrowser: async (url) => {
      opened.push(url);
    },
    config: () => readConfig(home.config),
  };
  return { deps, stdout: () => stdout, stderr: () => stderr, opened };
}

export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  now?: Date,
): Promise<{ code: number; stdout: string; stderr: string; opened: string[] }> {
  const c = makeDeps(env, now);
  const code = await main(argv, c.deps);
  return { code, stdout: c.stdout(), stderr: c.stderr(), opened: c.opened };
}

/**
 * Grants Pro in a test home (pass `new Date()` for spawned binaries, which use the real clock): a licence token signed with a fresh test key pair, bound to this
 * machine id, cached as `license activate` would, and the public key exported through `env`.
 */
export async function grantPro(env: NodeJS.ProcessEnv, now = DEFAULT_NOW): Promise<void> {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
  env.AUTHORSTACK_LICENSE_PUBLIC_KEY = pem;
  const { deps } = makeDeps(env, now);
  const iat = Math.floor(now.getTime() / 1000);
  const claims = {
    iss: TOKEN_ISSUER,
    aud: TOKEN_AUDIENCE,
    sub: licenseKeyHash(TEST_LICENSE_KEY),
    mid: machineId(deps),
    status: "active",
    plan: "pro",
    iat,
    exp: iat + 30 * 24 * 3600,
  };
  const key = await importPKCS8(privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "EdDSA");
  const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: "EdDSA", typ: TOKEN_TYPE })
    .sign(key);
  storeLicenseKey(deps, TEST_LICENSE_KEY);
  writeCachedLicense(deps, { token, receivedAt: now.toISOString(), maskedKey: "••••0001" });
}

export function sale(partial: Partial<SaleRecord> & Pick<SaleRecord, "date">): SaleRecord {
  const base = emptyRecord({
    source: partial.source ?? "gumroad",
    status: partial.status ?? "final",
    date: partial.date,
    granularity: partial.granularity ?? "day",
    format: partial.format ?? "digital",
  });
  return { ...base, ...partial };
}

/** Stores sales straight into the test home's database. */
export function seedSales(env: NodeJS.ProcessEnv, records: SaleRecord[]): void {
  const home = resolveHome(env);
  const db = openDatabase(home.database);
  try {
    const sales = saleInserter(db);
    db.transaction(() => {
      for (const r of records) sales.insert(r, null);
    })();
  } finally {
    db.close();
  }
}

/** A small, varied month of sales: two books, USD and EUR, a refund, a free unit, KENP pages. */
export function sampleSales(): SaleRecord[] {
  const rows: SaleRecord[] = [];
  let n = 0;
  const days = [
    "2025-07-03",
    "2025-07-05",
    "2025-07-09",
    "2025-07-14",
    "2025-07-15",
    "2025-07-21",
    "2025-07-28",
  ];
  for (const [i, date] of days.entries()) {
    rows.push(
      sale({
        date,
        externalId: `g${++n}`,
        productId: "prod-dragon",
        title: "The Dragon's Ledger: A Novel",
        author: "A. Writer",
        unitsSold: 1 + (i % 3),
        royaltyMicros: (1 + (i % 3)) * 4_310_000,
        currency: "USD",
      }),
    );
  }
  rows.push(
    sale({
      date: "2025-07-10",
      externalId: `g${++n}`,
      productId: "prod-garden",
      title: "Gardens of Salt",
      author: "A. Writer",
      unitsSold: 2,
      royaltyMicros: 11_980_000,
      currency: "EUR",
    }),
    sale({
      date: "2025-07-18",
      externalId: `g${++n}`,
      productId: "prod-garden",
      title: "Gardens of Salt",
      author: "A. Writer",
      unitsSold: 1,
      unitsRefunded: 1,
      royaltyMicros: 0,
      currency: "EUR",
    }),
    sale({
      date: "2025-07-20",
      externalId: `g${++n}`,
      productId: "prod-garden",
      title: "Gardens of Salt",
      author: "A. Writer",
      unitsFree: 1,
      royaltyMicros: 0,
      currency: "USD",
    }),
    sale({
      source: "kdp",
      status: "estimate",
      date: "2025-07-22",
      format: "kenp",
      asin: "B0TESTASIN",
      title: "The Dragon's Ledger",
      author: "A. Writer",
      marketplace: "Amazon.com",
      kenpPages: 1385,
      royaltyMicros: 6_150_000,
      currency: "USD",
    }),
  );
  return rows;
}
