import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { idempotencyKey } from "../src/email/message.js";
import { sendEmail } from "../src/email/resend.js";
import { grantPro, makeHome, runCli, sampleSales, seedSales, type TestHome } from "./fakes/digest-harness.js";
import { FAKE_RESEND_KEY, type FakeResend, startFakeResend } from "./fakes/resend.js";

const NOW = new Date("2025-08-01T07:30:00Z");
const PERIOD = ["--from", "2025-07-01", "--to", "2025-07-31"];

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
    RESEND_API_KEY: FAKE_RESEND_KEY,
    RESEND_BASE_URL: fake.url,
    AUTHORSTACK_EMAIL_FROM: "AuthorStack <digest@books.example.com>",
    AUTHORSTACK_EMAIL_TO: "author@example.com",
  });
  await grantPro(home.env, NOW);
  seedSales(home.env, sampleSales());
});
afterEach(() => home.cleanup());

const mask = (text: string) =>
  text
    .replace(/\d{4}-\d{2}-\d{2}/g, "YYYY-MM-DD")
    .replace(
      /\b(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}(, \d{4})?\b/g,
      "MONTH D",
    );

describe("report --email", () => {
  it("sends exactly one well-formed message through Resend", async () => {
    const r = await runCli(["report", ...PERIOD, "--email"], home.env, NOW);
    expect(r.stderr).toContain("Sent");
    expect(r.code).toBe(0);
    expect(fake.requests).toHaveLength(1);
    expect(fake.sent).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/emails");
    expect(req.headers.authorization).toBe(`Bearer ${FAKE_RESEND_KEY}`);
    expect(String(req.headers["user-agent"])).toMatch(/^resend-node:/);
    expect(String(req.headers["content-type"])).toContain("application/json");
    const key = String(req.headers["idempotency-key"]);
    expect(key).toMatch(/^authorstack-digest\/2025-07-01_2025-07-31\/[0-9a-f]{40}$/);
    const body = req.body!;
    expect(body.from).toBe("AuthorStack <digest@books.example.com>");
    expect(body.to).toEqual(["author@example.com"]);
    expect(body.subject).toBe(
      "AuthorStack digest 2025-07-01 – 2025-07-31: EUR 11.98 + USD 62.18 royalties, 15 units, 1,385 KENP pages",
    );
    const html = String(body.html);
    const text = String(body.text);
    // Built for mail clients: tables and inline styles, no scripts, no images, no stylesheets.
    expect(html).toContain("<table");
    expect(html).not.toMatch(/<script|<img|<link|<style|url\(|https?:\/\/(?!www\.w3\.org)/i);
    expect(html).toContain("Gardens of Salt");
    expect(text).toContain("Gardens of Salt");
    expect(text).toContain("USD 62.18");
    expect(text).toContain("EUR 11.98");
    // The API key is never printed.
    expect(r.stdout + r.stderr).not.toContain(FAKE_RESEND_KEY);
  });

  it("renders the same content for the same data (snapshot, dates masked)", async () => {
    const r = await runCli(["report", ...PERIOD, "--email"], home.env, NOW);
    expect(r.code).toBe(0);
    const body = fake.requests[0]!.body!;
    expect(mask(String(body.subject))).toMatchSnapshot("subject");
    expect(mask(String(body.text))).toMatchSnapshot("text part");
    expect(mask(String(body.html))).toMatchSnapshot("html part");
  });

  it("sends the same Idempotency-Key when run again for the same period; Resend delivers once", async () => {
    const first = await runCli(["report", ...PERIOD, "--email"], home.env, NOW);
    const second = await runCli(["report", ...PERIOD, "--email"], home.env, new Date("2025-08-01T18:00:00Z"));
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.headers["idempotency-key"]).toBe(fake.requests[0]!.headers["idempotency-key"]);
    expect(fake.requests[1]!.rawBody).toBe(fake.requests[0]!.rawBody);
    expect(fake.sent).toHaveLength(1);
    // Another recipient or period is another digest.
    await runCli(["report", ...PERIOD, "--email", "other@example.com"], home.env, NOW);
    expect(fake.requests[2]!.headers["idempotency-key"]).not.toBe(
      fake.requests[0]!.headers["idempotency-key"],
    );
    expect(fake.requests[2]!.body!.to).toEqual(["other@example.com"]);
  });

  it("--dry-run prints the email and sends nothing", async () => {
    const r = await runCli(["report", ...PERIOD, "--email", "--dry-run"], home.env, NOW);
    expect(r.code).toBe(0);
    expect(fake.requests).toHaveLength(0);
    expect(r.stdout).toContain("Subject: AuthorStack digest 2025-07-01 – 2025-07-31");
    expect(r.stdout).toContain("To: author@example.com");
    expect(r.stdout).toContain("Gardens of Salt");
    const json = await runCli(["report", ...PERIOD, "--email", "--dry-run", "--json"], home.env, NOW);
    const doc = JSON.parse(json.stdout) as { email: { dryRun: boolean; html: string; text: string } };
    expect(doc.email.dryRun).toBe(true);
    expect(doc.email.html).toContain("<table");
  });

  it("--dry-run works before email is set up and says what is missing", async () => {
    delete home.env.RESEND_API_KEY;
    delete home.env.AUTHORSTACK_EMAIL_FROM;
    const r = await runCli(["report", ...PERIOD, "--email", "--dry-run"], home.env, NOW);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("From: (not set)");
    expect(r.stderr).toContain("RESEND_API_KEY");
  });

  it("needs a Pro licence", async () => {
    const bare = makeHome({ RESEND_API_KEY: FAKE_RESEND_KEY, RESEND_BASE_URL: fake.url });
    try {
      const r = await runCli(["report", ...PERIOD, "--email", "me@example.com"], bare.env, NOW);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain("license activate");
      expect(fake.requests).toHaveLength(0);
    } finally {
      bare.cleanup();
    }
  });
});

describe("report --email: missing settings exit 4 naming what to set", () => {
  it("no RESEND_API_KEY", async () => {
    delete home.env.RESEND_API_KEY;
    const r = await runCli(["report", ...PERIOD, "--email"], home.env, NOW);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("RESEND_API_KEY");
    expect(fake.requests).toHaveLength(0);
  });

  it("no sender", async () => {
    delete home.env.AUTHORSTACK_EMAIL_FROM;
    const r = await runCli(["report", ...PERIOD, "--email"], home.env, NOW);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("AUTHORSTACK_EMAIL_FROM");
    expect(r.stderr).toContain("email.from");
  });

  it("no recipient", async () => {
    delete home.env.AUTHORSTACK_EMAIL_TO;
    const r = await runCli(["report", ...PERIOD, "--email"], home.env, NOW);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("AUTHORSTACK_EMAIL_TO");
    expect(r.stderr).toContain("digest.email");
    expect(r.stderr).toContain("--email");
  });

  it("recipient and sender from config (digest.email, email.from)", async () => {
    delete home.env.AUTHORSTACK_EMAIL_TO;
    delete home.env.AUTHORSTACK_EMAIL_FROM;
    expect((await runCli(["config", "set", "digest.email", "cfg@example.com"], home.env)).code).toBe(0);
    expect(
      (await runCli(["config", "set", "email.from", "cfg-sender@books.example.com"], home.env)).code,
    ).toBe(0);
    const r = await runCli(["report", ...PERIOD, "--email"], home.env, NOW);
    expect(r.code).toBe(0);
    expect(fake.requests[0]!.body!.to).toEqual(["cfg@example.com"]);
    expect(fake.requests[0]!.body!.from).toBe("cfg-sender@books.example.com");
  });

  it("a malformed --email address is a usage error", async () => {
    const r = await runCli(["report", ...PERIOD, "--email", "not-an-address"], home.env, NOW);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("not-an-address");
  });
});

describe("report --email: Resend errors", () => {
  it("invalid API key → exit 4 with Resend's message, key not shown", async () => {
    home.env.RESEND_API_KEY = "re_test_wrong_key_999";
    const r = await runCli(["report", ...PERIOD, "--email"], home.env, NOW);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("invalid_api_key");
    expect(r.stderr).toContain("API key is invalid.");
    expect(r.stderr).not.toContain("re_test_wrong_key_999");
    expect(fake.requests).toHaveLength(1);
  });

  it("unverified sender domain (403 validation_error) → exit 4 naming the sender setting", async () => {
    fake.failNext({ kind: "unverified_domain" });
    const r = await runCli(["report", ...PERIOD, "--email"], home.env, NOW);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("The books.example.com domain is not verified");
    expect(r.stderr).toContain("AUTHORSTACK_EMAIL_FROM");
  });

  it("field validation (422 validation_error) → exit 4 with Resend's message", async () => {
    home.env.AUTHORSTACK_EMAIL_FROM = "Books < books@example.com >";
    const r = await runCli(["report", ...PERIOD, "--email"], home.env, NOW);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("validation_error");
    expect(r.stderr).toContain("Invalid `from` field");
    expect(fake.requests[0]!.status).toBe(422);
  });

  it("daily quota exceeded → exit 5, not retried", async () => {
    fake.failNext({ kind: "daily_quota" });
    const r = await runCli(["report", ...PERIOD, "--email"], home.env, NOW);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("daily_quota_exceeded");
    expect(r.stderr).toContain("daily email sending quota");
    expect(fake.requests).toHaveLength(1);
  });

  it("429 rate_limit_exceeded is retried after Retry-After with the same Idempotency-Key", async () => {
    fake.failNext({ kind: "rate_limit", retryAfter: 1 });
    const r = await runCli(["report", ...PERIOD, "--email"], home.env, NOW);
    expect(r.code).toBe(0);
    expect(fake.requests.map((q) => q.status)).toEqual([429, 200]);
    expect(fake.requests[1]!.headers["idempotency-key"]).toBe(fake.requests[0]!.headers["idempotency-key"]);
    expect(fake.sent).toHaveLength(1);
  });

  it("429 until the retries run out → exit 5 with Resend's message", async () => {
    fake.failNext(...Array.from({ length: 4 }, () => ({ kind: "rate_limit" as const, retryAfter: 0 })));
    const r = await runCli(["report", ...PERIOD, "--email"], home.env, NOW);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("rate_limit_exceeded");
    expect(r.stderr).toContain("Too many requests");
    expect(fake.requests).toHaveLength(4);
    expect(new Set(fake.requests.map((q) => q.headers["idempotency-key"])).size).toBe(1);
  });

  it("a 500 with a non-JSON body and a reset connection are retried; one email goes out", async () => {
    fake.failNext({ kind: "server_error_html" }, { kind: "reset" });
    const r = await runCli(["report", ...PERIOD, "--email"], home.env, NOW);
    expect(r.code).toBe(0);
    expect(fake.requests.map((q) => q.status)).toEqual([500, 0, 200]);
    expect(new Set(fake.requests.map((q) => q.headers["idempotency-key"])).size).toBe(1);
    expect(fake.sent).toHaveLength(1);
  });

  it("Resend unreachable → exit 5 after retries", async () => {
    home.env.RESEND_BASE_URL = "http://127.0.0.1:9";
    const r = await runCli(["report", ...PERIOD, "--email"], home.env, NOW);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("Unable to fetch data");
    expect(r.stderr).toContain("RESEND_BASE_URL");
  });
});

describe("Idempotency-Key semantics against the fake", () => {
  const settings = () => ({
    apiKey: FAKE_RESEND_KEY,
    from: "digest@books.example.com",
    to: "author@example.com",
    baseUrl: fake.url,
  });
  const message = { subject: "Digest", html: "<p>1</p>", text: "1" };

  it("the key is derived from recipient + period + content", () => {
    const a = idempotencyKey("digest", "author@example.com", "2025-07-01_2025-07-31", message);
    expect(idempotencyKey("digest", "Author@Example.com", "2025-07-01_2025-07-31", message)).toBe(a);
    expect(idempotencyKey("digest", "x@example.com", "2025-07-01_2025-07-31", message)).not.toBe(a);
    expect(idempotencyKey("digest", "author@example.com", "2025-07-02_2025-07-31", message)).not.toBe(a);
    expect(
      idempotencyKey("digest", "author@example.com", "2025-07-01_2025-07-31", { ...message, text: "2" }),
    ).not.toBe(a);
    expect(a.length).toBeLessThanOrEqual(256);
  });

  it("same key + same payload replays the first response (same id, sent once)", async () => {
    const one = await sendEmail(settings(), message, { idempotencyKey: "k-replay" });
    const two = await sendEmail(settings(), message, { idempotencyKey: "k-replay" });
    expect(two.id).toBe(one.id);
    expect(fake.sent).toHaveLength(1);
  });

  it("same key + different payload → 409 invalid_idempotent_request → exit 5 error with Resend's message", async () => {
    await sendEmail(settings(), message, { idempotencyKey: "k-conflict" });
    const error = await sendEmail(
      settings(),
      { ...message, text: "changed" },
      { idempotencyKey: "k-conflict" },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 5 });
    expect(String((error as Error).message)).toContain("invalid_idempotent_request");
    expect(String((error as Error).message)).toContain("different request payload");
    expect(fake.requests.at(-1)!.status).toBe(409);
  });

  it("same key while the first is in flight → 409 concurrent_idempotent_requests, retried, sent once", async () => {
    const gate = fake.hold();
    const first = sendEmail(settings(), message, { idempotencyKey: "k-concurrent" });
    await gate.arrived;
    const second = sendEmail(settings(), message, {
      idempotencyKey: "k-concurrent",
      sleep: async () => {
        gate.release();
        await new Promise((r) => setTimeout(r, 50));
      },
    });
    const [a, b] = await Promise.all([first, second]);
    expect(b.id).toBe(a.id);
    expect(fake.requests.map((q) => q.status)).toContain(409);
    expect(fake.sent).toHaveLength(1);
  });
});
