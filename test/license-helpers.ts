/**
 * Shared set-up for the licence tests: a throw-away Ed25519 key pair, the real licence service on a
 * loopback port against the fake Whop, and CLI deps with a temp home, a settable clock and captured
 * streams.
 */

import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { type Deps, defaultDeps } from "../src/deps.js";
import {
  createLicenseHandler,
  createNodeServer,
  jsonLogger,
  loadServiceConfig,
} from "../src/license-service/index.js";
import { FAKE_PRODUCT_ID, FAKE_WHOP_KEY, type FakeWhop } from "./fakes/whop.js";
import { captureStream } from "./helpers/streams.js";

export interface KeyPair {
  privatePem: string;
  publicPem: string;
}

export function testKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

export interface RunningService {
  url: string;
  /** JSON log lines written by the service. */
  logs: string[];
  /** Requests the service received (method + path). */
  hits: string[];
  /** The service's clock (defaults to the real one). */
  clock: { now: Date | null };
  close(): Promise<void>;
}

export async function startService(
  whop: FakeWhop,
  keys: KeyPair,
  env: Record<string, string> = {},
): Promise<RunningService> {
  const config = loadServiceConfig({
    WHOP_API_KEY: FAKE_WHOP_KEY,
    WHOP_API_URL: whop.apiUrl,
    WHOP_PRODUCT_ID: FAKE_PRODUCT_ID,
    LICENSE_SIGNING_KEY: keys.privatePem,
    ...env,
  });
  const logs: string[] = [];
  const hits: string[] = [];
  const clock: { now: Date | null } = { now: null };
  const now = () => clock.now ?? new Date();
  const handler = createLicenseHandler(config, {
    now,
    log: jsonLogger((line) => logs.push(line), [config.whopApiKey], now),
  });
  const server: Server = createNodeServer(async (request, info) => {
    hits.push(`${request.method} ${new URL(request.url).pathname}`);
    return handler(request, info);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    hits,
    clock,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then closed). */
export async function deadUrl(): Promise<string> {
  const server = createNodeServer(async () => new Response(""));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export interface TestCli {
  deps: Deps;
  home: string;
  clock: { now: Date };
  stdout(): string;
  stderr(): string;
  reset(): void;
  cleanup(): void;
}

export function makeCli(env: Record<string, string>, home?: string): TestCli {
  const dir = home ?? mkdtempSync(join(tmpdir(), "authorstack-license-"));
  const out = captureStream();
  const err = captureStream();
  const clock = { now: new Date() };
  const base = defaultDeps({ PATH: process.env.PATH ?? "", ...env, AUTHORSTACK_HOME: dir });
  const stdin = Readable.from([]) as Readable & { isTTY?: boolean };
  const deps: Deps = { ...base, now: () => clock.now, stdin, stdout: out.stream, stderr: err.stream };
  return {
    deps,
    home: dir,
    clock,
    stdout: out.text,
    stderr: err.text,
    reset: () => {
      out.reset();
      err.reset();
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const DAY = 24 * 3600 * 1000;
