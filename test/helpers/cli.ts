/**
 * Runs the CLI in-process with a temp AUTHORSTACK_HOME, a fixed clock and captured streams, the way
 * the end user would drive it (argv in, exit code and text out).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import Database from "better-sqlite3";
import { type Deps, defaultDeps } from "../../src/deps.js";
import { main } from "../../src/main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestHome {
  home: string;
  deps: Deps;
  run(...argv: string[]): Promise<CliRun>;
  /** Every row of a query against the real database file. */
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  cleanup(): void;
}

export function makeHome(
  options: { env?: Record<string, string>; now?: string; tty?: boolean } = {},
): TestHome {
  const home = mkdtempSync(join(tmpdir(), "authorstack-test-"));
  const env = { PATH: process.env.PATH ?? "", AUTHORSTACK_HOME: home, ...options.env };
  const now = new Date(options.now ?? "2025-12-15T12:00:00Z");
  return {
    home,
    deps: defaultDeps(env),
    async run(...argv: string[]): Promise<CliRun> {
      let stdout = "";
      let stderr = "";
      const deps: Deps = {
        ...defaultDeps(env),
        now: () => now,
        stdin: Readable.from([]),
        stdout: new Writable({
          write(chunk, _e, cb) {
            stdout += String(chunk);
            cb();
          },
        }),
        stderr: Object.assign(
          new Writable({
            write(chunk, _e, cb) {
              stderr += String(chunk);
              cb();
            },
          }),
          { isTTY: options.tty ?? false },
        ),
        openBrowser: async () => {
          throw new Error("tests never open a browser here");
        },
      };
      const code = await main(argv, deps);
      return { code, stdout, stderr };
    },
    query<T>(sql: string, ...params: unknown[]): T[] {
      const db = new Database(join(home, "authorstack.db"), { readonly: true });
      try {
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    },
    cleanup() {
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures");

/** KDP's Combined Sales header (English dashboard export), for tests that build small workbooks. */
export const COMBINED_SALES_HEADER = [
  "Royalty Date",
  "Title",
  "Author Name",
  "ASIN/ISBN",
  "Marketplace",
  "Royalty Type",
  "Transaction Type",
  "Units Sold",
  "Units Refunded",
  "Net Units Sold",
  "Avg. List Price without tax",
  "Avg. Offer Price without tax",
  "Avg. Delivery/Manufacturing cost",
  "Royalty",
  "Currency",
];
