/**
 * Shared set-up for the Gumroad tests: CLI deps with a temp home pointed at the fake Gumroad,
 * captured streams, stdin from a string, and a fast rate cap / retry base so tests stay quick.
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import Database from "better-sqlite3";
import { type Deps, defaultDeps } from "../src/deps.js";
import { main } from "../src/main.js";
import type { FakeGumroad } from "./fakes/gumroad.js";
import { captureStream } from "./helpers/streams.js";

export interface GumroadCli {
  deps: Deps;
  home: string;
  env: Record<string, string>;
  stdout(): string;
  stderr(): string;
  reset(): void;
  /** Runs the CLI in-process; returns the exit code. */
  run(...argv: string[]): Promise<number>;
  setStdin(text: string): void;
  cleanup(): void;
}

/** Env pointing the CLI at the fake, fast retries; config.json with a high rate cap. */
export function gumroadEnv(fake: FakeGumroad, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    AUTHORSTACK_GUMROAD_API_URL: fake.url,
    AUTHORSTACK_GUMROAD_AUTH_URL: fake.url,
    AUTHORSTACK_HTTP_RETRY_BASE_MS: "5",
    ...extra,
  };
}

export function makeGumroadCli(env: Record<string, string>, options: { rps?: number } = {}): GumroadCli {
  const home = mkdtempSync(join(tmpdir(), "authorstack-gumroad-"));
  writeFileSync(
    join(home, "config.json"),
    `${JSON.stringify({ "gumroad.requestsPerSecond": String(options.rps ?? 1000) }, null, 2)}\n`,
  );
  const out = captureStream();
  const err = captureStream();
  const base = defaultDeps({ ...env, AUTHORSTACK_HOME: home });
  let stdin: Readable & { isTTY?: boolean } = Readable.from([]);
  const deps: Deps = {
    ...base,
    stdout: out.stream,
    stderr: err.stream,
    openBrowser: async () => {
      throw new Error("no browser in this test");
    },
  };
  Object.defineProperty(deps, "stdin", { get: () => stdin, enumerable: true });
  return {
    deps,
    home,
    env: { ...env, AUTHORSTACK_HOME: home },
    stdout: out.text,
    stderr: err.text,
    reset: () => {
      out.reset();
      err.reset();
    },
    run: (...argv) => main(argv, deps),
    setStdin: (text) => {
      stdin = Readable.from([Buffer.from(text)]);
    },
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

export interface StoredTotals {
  rows: number;
  distinct: number;
  sold: number;
  free: number;
  refunded: number;
  royaltyMicros: number;
}

export function storedTotals(home: string): StoredTotals {
  const db = new Database(join(home, "authorstack.db"), { readonly: true });
  try {
    return db
      .prepare(
        `SELECT COUNT(*) AS rows, COUNT(DISTINCT external_id) AS "distinct", COALESCE(SUM(units_sold), 0) AS sold,
           COALESCE(SUM(units_free), 0) AS free, COALESCE(SUM(units_refunded), 0) AS refunded,
           COALESCE(SUM(royalty_micros), 0) AS royaltyMicros
         FROM sales WHERE source = 'gumroad'`,
      )
      .get() as StoredTotals;
  } finally {
    db.close();
  }
}

export function storedRow(home: string, externalId: string): Record<string, unknown> | undefined {
  const db = new Database(join(home, "authorstack.db"), { readonly: true });
  try {
    return db.prepare("SELECT * FROM sales WHERE source = 'gumroad' AND external_id = ?").get(externalId) as
      | Record<string, unknown>
      | undefined;
  } finally {
    db.close();
  }
}

/** A loopback URL nothing listens on (bound, then closed). */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
