import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { digestPeriod } from "../src/commands/run.js";
import { resolveHome } from "../src/home.js";
import { acquireLock } from "../src/util/lock.js";
import { grantPro, makeHome, runCli, sampleSales, seedSales, type TestHome } from "./fakes/digest-harness.js";
import { FAKE_RESEND_KEY, type FakeResend, startFakeResend } from "./fakes/resend.js";

const NOW = new Date("2025-08-01T12:00:00Z");

let fake: FakeResend;
let home: TestHome;

beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(async () => {
  await fake.close();
});

beforeEach(async () => {
  fake.reset();
  home = makeHome({
    TZ: "UTC",
    RESEND_API_KEY: FAKE_RESEND_KEY,
    RESEND_BASE_URL: fake.url,
    AUTHORSTACK_EMAIL_FROM: "digest@books.example.com",
    AUTHORSTACK_EMAIL_TO: "author@example.com",
  });
  await grantPro(home.env, NOW);
  seedSales(home.env, sampleSales());
});
afterEach(() => home.cleanup());

function runLog(env: NodeJS.ProcessEnv): Array<Record<string, unknown>> {
  const path = `${resolveHome(env).logsDir}/run.log`;
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("digest period", () => {
  it("covers the complete days since the last digest; the first one the last 7 days", () => {
    const now = new Date(2025, 7, 1, 7, 30); // local time
    expect(digestPeriod(now, null)).toEqual({ from: "2025-07-25", to: "2025-07-31" });
    expect(digestPeriod(now, { lastTo: "2025-07-28", sentAt: "", id: "", recipient: "" })).toEqual({
      from: "2025-07-29",
      to: "2025-07-31",
    });
    expect(digestPeriod(now, { lastTo: "2025-07-31", sentAt: "", id: "", recipient: "" })).toBeNull();
  });
});

describe("run", () => {
  it("--email sends the digest since the last one, stores it, and logs one JSON line per run", async () => {
    const first = await runCli(["run", "--email"], home.env, NOW);
    expect(first.stderr).toContain("Digest 2025-07-25 – 2025-07-31 sent");
    expect(first.code).toBe(0);
    expect(fake.sent).toHaveLength(1);
    expect(String(fake.sent[0]!.body.subject)).toContain("2025-07-25 – 2025-07-31");
    expect(String(fake.sent[0]!.body.text)).toContain("The Dragon's Ledger");

    // Same day again: nothing new to send.
    const second = await runCli(["run", "--email"], home.env, new Date("2025-08-01T18:00:00Z"));
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("already sent up to 2025-07-31");
    expect(fake.requests).toHaveLength(1);

    // Next morning: the one new day.
    const third = await runCli(["run", "--email", "--json"], home.env, new Date("2025-08-02T07:30:00Z"));
    expect(third.code).toBe(0);
    const result = JSON.parse(third.stdout) as { digest: { from: string; to: string } };
    expect(result.digest).toMatchObject({ from: "2025-08-01", to: "2025-08-01" });

    const log = runLog(home.env);
    expect(log).toHaveLength(3);
    for (const line of log) {
      expect(line).toHaveProperty("start");
      expect(line).toHaveProperty("end");
      expect(line).toHaveProperty("steps");
      expect(line.ok).toBe(true);
    }
    expect(JSON.stringify(log)).not.toContain(FAKE_RESEND_KEY);
  });

  it("sends the digest when digest.email is configured, without --email", async () => {
    delete home.env.AUTHORSTACK_EMAIL_TO;
    await runCli(["config", "set", "digest.email", "cfg@example.com"], home.env);
    const r = await runCli(["run", "--quiet"], home.env, NOW);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(fake.sent[0]!.body.to).toEqual(["cfg@example.com"]);
  });

  it("without --email or digest.email it only syncs (nothing connected: nothing to do)", async () => {
    const r = await runCli(["run"], home.env, NOW);
    expect(r.code).toBe(0);
    expect(fake.requests).toHaveLength(0);
    expect(runLog(home.env)).toHaveLength(1);
  });

  it("a second run while the lock is held exits 6 at once and logs its line", async () => {
    const held = acquireLock(resolveHome(home.env).lock, { command: "test" });
    try {
      const r = await runCli(["run", "--email"], home.env, NOW);
      expect(r.code).toBe(6);
      expect(r.stderr).toContain("holds the lock");
      expect(fake.requests).toHaveLength(0);
      const log = runLog(home.env);
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ ok: false, busy: true, exitCode: 6 });
    } finally {
      held.release();
    }
    expect((await runCli(["run"], home.env, NOW)).code).toBe(0);
  });

  it("a lock left by a dead run is recovered", async () => {
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid!;
    const lockPath = resolveHome(home.env).lock;
    writeFileSync(
      lockPath,
      JSON.stringify({
        pid: dead,
        host: hostname(),
        started: "1",
        since: "2025-07-31T07:30:00Z",
        command: "authorstack run",
      }),
    );
    const r = await runCli(["run", "--email"], home.env, NOW);
    expect(r.code).toBe(0);
    expect(existsSync(lockPath)).toBe(false);
  });

  it("a failed digest exits non-zero with Resend's message, logs it, and sends a short failure alert", async () => {
    fake.failNext({ kind: "daily_quota" });
    const r = await runCli(["run", "--email"], home.env, NOW);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("the run failed at digest");
    expect(r.stderr).toContain("daily_quota_exceeded");
    expect(fake.sent).toHaveLength(1);
    expect(String(fake.sent[0]!.body.subject)).toBe("AuthorStack: the scheduled run failed at digest");
    expect(String(fake.sent[0]!.body.text)).toContain("daily email sending quota");
    const [line] = runLog(home.env);
    expect(line).toMatchObject({ ok: false, exitCode: 5, alert: { sent: true } });
    // Not marked as sent: the next run tries the same days again.
    fake.reset();
    expect((await runCli(["run", "--email"], home.env, NOW)).code).toBe(0);
    expect(String(fake.sent[0]!.body.subject)).toContain("2025-07-25 – 2025-07-31");
  });

  it("a failed sync (token revoked) exits 4, still sends the digest marked incomplete, and alerts naming the step and the fix", async () => {
    const gumroad = createServer((_req, res) => {
      res.writeHead(401);
      res.end();
    });
    await new Promise<void>((resolve) => gumroad.listen(0, "127.0.0.1", resolve));
    try {
      const env = {
        ...home.env,
        GUMROAD_ACCESS_TOKEN: "gumroad_test_token_revoked",
        AUTHORSTACK_GUMROAD_API_URL: `http://127.0.0.1:${(gumroad.address() as AddressInfo).port}`,
      };
      const r = await runCli(["run", "--email", "--json"], env, NOW);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain("the run failed at sync gumroad");
      expect(r.stderr).toContain("auth login gumroad");
      const result = JSON.parse(r.stdout) as { steps: Array<{ step: string; ok: boolean }> };
      expect(result.steps.map((s) => [s.step, s.ok])).toEqual([
        ["licence", true],
        ["sync gumroad", false],
        ["digest", true],
      ]);
      const subjects = fake.sent.map((s) => String(s.body.subject));
      expect(subjects).toHaveLength(2);
      expect(subjects[1]).toBe("AuthorStack: the scheduled run failed at sync gumroad");
      expect(String(fake.sent[1]!.body.text)).toContain("auth login gumroad");
      expect(r.stdout + r.stderr + JSON.stringify(fake.sent)).not.toContain("gumroad_test_token_revoked");
      // The digest says the Gumroad figures are incomplete and why, in both parts ...
      const digest = fake.sent[0]!;
      expect(String(digest.body.subject)).toContain("2025-07-25 – 2025-07-31");
      for (const part of [String(digest.body.text), String(digest.body.html)]) {
        expect(part).toContain("Gumroad figures are incomplete: the Gumroad sync failed (");
        expect(part).toContain("covers these days again");
      }
      // ... and does not count as sent: the stored last-digest date did not move.
      expect(existsSync(join(resolveHome(env).dataDir, "digest-state.json"))).toBe(false);
      expect(JSON.parse(r.stdout)).toMatchObject({ digest: { from: "2025-07-25", to: "2025-07-31" } });

      // The next run whose syncs succeed (here: Gumroad disconnected) sends the same days again, complete.
      fake.reset();
      const next = await runCli(["run", "--email"], home.env, NOW);
      expect(next.code, next.stderr).toBe(0);
      expect(fake.sent).toHaveLength(1);
      expect(String(fake.sent[0]!.body.subject)).toContain("2025-07-25 – 2025-07-31");
      expect(String(fake.sent[0]!.body.text)).not.toContain("incomplete");
      expect(fake.sent[0]!.idempotencyKey).not.toBe(digest.idempotencyKey);
      const state = JSON.parse(
        readFileSync(join(resolveHome(home.env).dataDir, "digest-state.json"), "utf8"),
      ) as { lastTo: string };
      expect(state.lastTo).toBe("2025-07-31");
    } finally {
      gumroad.close();
    }
  });

  it("needs a Pro licence (exit 4, logged)", async () => {
    const bare = makeHome({ TZ: "UTC" });
    try {
      const r = await runCli(["run"], bare.env, NOW);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain("license activate");
      expect(runLog(bare.env)[0]).toMatchObject({ ok: false, exitCode: 4 });
    } finally {
      bare.cleanup();
    }
  });

  it("missing email settings with --email → exit 4 naming what to set", async () => {
    delete home.env.RESEND_API_KEY;
    const r = await runCli(["run", "--email"], home.env, NOW);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("RESEND_API_KEY");
  });
});
