/**
 * End to end with the built binary (`npm run build` first): two `authorstack run` processes started
 * together. The one that takes the lock is held inside its Resend request by the fake until the other
 * has exited, so the outcome does not depend on timing: one works (exit 0), the other exits 6 at
 * once, and logs/run.log has one line each. Then a run killed while holding the lock leaves it behind,
 * and the next run recovers it.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { grantPro, makeHome, sampleSales, seedSales, type TestHome } from "./fakes/digest-harness.js";
import { FAKE_RESEND_KEY, type FakeResend, startFakeResend } from "./fakes/resend.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "authorstack.js");

let fake: FakeResend;
let home: TestHome;

beforeAll(async () => {
  // `npm test` builds first; when run alone, build once here.
  if (!existsSync(join(ROOT, "dist", "commands", "run.js"))) {
    execFileSync(
      process.execPath,
      [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"],
      {
        cwd: ROOT,
        stdio: "inherit",
      },
    );
  }
  fake = await startFakeResend();
}, 120_000);
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  fake.reset();
  home = makeHome({
    RESEND_API_KEY: FAKE_RESEND_KEY,
    RESEND_BASE_URL: fake.url,
    AUTHORSTACK_EMAIL_FROM: "digest@books.example.com",
    AUTHORSTACK_EMAIL_TO: "author@example.com",
  });
  await grantPro(home.env, new Date());
  seedSales(home.env, sampleSales());
});
afterEach(() => home.cleanup());

interface Proc {
  child: ChildProcess;
  exit: Promise<number>;
  stderr: () => string;
}

function start(args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  child.stdout!.resume();
  const exit = new Promise<number>((resolve) =>
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1))),
  );
  return { child, exit, stderr: () => stderr };
}

function runLog(): Array<Record<string, unknown>> {
  const path = join(home.dir, "logs", "run.log");
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("two concurrent `run` processes (built binary)", () => {
  it("one works, the other exits 6 at once; run.log has one line each", async () => {
    const gate = fake.hold();
    const a = start(["run", "--email"], home.env);
    const b = start(["run", "--email"], home.env);
    // The winner reaches Resend and is held there; the loser must exit 6 meanwhile.
    await gate.arrived;
    const first = await Promise.race([
      a.exit.then((code) => ({ p: a, code })),
      b.exit.then((code) => ({ p: b, code })),
    ]);
    expect(first.code, first.p.stderr()).toBe(6);
    expect(first.p.stderr()).toContain("holds the lock");
    gate.release();
    const other = first.p === a ? b : a;
    expect(await other.exit, other.stderr()).toBe(0);
    expect(fake.sent).toHaveLength(1);

    const log = runLog();
    expect(log).toHaveLength(2);
    const byPid = new Map(log.map((l) => [l.pid, l]));
    expect(byPid.get(first.p.child.pid)).toMatchObject({ ok: false, busy: true, exitCode: 6 });
    expect(byPid.get(other.child.pid)).toMatchObject({ ok: true, exitCode: 0 });
    expect(existsSync(join(home.dir, "authorstack.lock"))).toBe(false);
  });

  it("a run killed while holding the lock leaves it; the next run recovers it", async () => {
    const gate = fake.hold();
    const victim = start(["run", "--email"], home.env);
    await gate.arrived;
    expect(existsSync(join(home.dir, "authorstack.lock"))).toBe(true);
    victim.child.kill("SIGKILL");
    await victim.exit;
    gate.release();
    expect(existsSync(join(home.dir, "authorstack.lock"))).toBe(true);

    const next = start(["run", "--email"], home.env);
    expect(await next.exit, next.stderr()).toBe(0);
    expect(existsSync(join(home.dir, "authorstack.lock"))).toBe(false);
    // The killed run's request had reached Resend: the retry carries the same Idempotency-Key and is a replay.
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.headers["idempotency-key"]).toBe(fake.requests[0]!.headers["idempotency-key"]);
    expect(fake.sent).toHaveLength(1);
  });
});
