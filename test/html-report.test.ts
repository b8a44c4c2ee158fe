import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sparkline, sparklineFit } from "../src/report/sparkline.js";
import { grantPro, makeHome, runCli, sampleSales, seedSales, type TestHome } from "./fakes/digest-harness.js";
import { FAKE_RESEND_KEY, type FakeResend, startFakeResend } from "./fakes/resend.js";
import { launchChromium } from "./helpers/chromium.mjs";

const NOW = new Date("2025-08-01T07:30:00Z");
const PERIOD = ["--from", "2025-07-01", "--to", "2025-07-31"];

let home: TestHome;
beforeEach(() => {
  home = makeHome();
  seedSales(home.env, sampleSales());
});
afterEach(() => home.cleanup());

describe("sparkline", () => {
  it("scales values to eight blocks from zero", () => {
    expect(sparkline([])).toBe("");
    expect(sparkline([0, 0, 0])).toBe("▁▁▁");
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([5, 10])).toBe("▅█");
    expect(sparkline([-1, 1])).toBe("▁█");
    expect(sparklineFit([1, 2, 3, 4], 2)).toBe("▆█");
  });
});

describe("report --html", () => {
  it("writes one standalone page with headline figures, an SVG chart, the per-book table and currency totals", async () => {
    const file = join(home.dir, "report.html");
    const r = await runCli(["report", ...PERIOD, "--html", file], home.env, NOW);
    expect(r.stderr).toContain(file);
    expect(r.code).toBe(0);
    const html = readFileSync(file, "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    // No external assets: nothing to fetch.
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(|@import/i);
    for (const url of html.match(/https?:\/\/[^"' )]+/g) ?? [])
      expect(url).toBe("http://www.w3.org/2000/svg");
    expect(html).toContain("<svg");
    expect(html).toContain('class="bar"');
    expect(html).toContain("Royalties USD");
    expect(html).toContain("62.18");
    expect(html).toContain("11.98");
    expect(html).toContain("By book");
    expect(html).toContain("Gardens of Salt");
    expect(html).toContain("Totals per currency");
    expect(html).toContain("1,385");
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it("--html - writes the page to stdout", async () => {
    const r = await runCli(["report", ...PERIOD, "--html", "-"], home.env, NOW);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith("<!doctype html>")).toBe(true);
  });

  it("--html - together with --email or --json is a usage error naming the conflict", async () => {
    const withEmail = await runCli(
      ["report", ...PERIOD, "--html", "-", "--email", "a@example.com"],
      home.env,
      NOW,
    );
    expect(withEmail.code).toBe(2);
    expect(withEmail.stderr).toContain("--html - (the page on stdout) cannot be combined with --email");
    expect(withEmail.stdout).toBe("");
    const withJson = await runCli(["report", ...PERIOD, "--html", "-", "--json"], home.env, NOW);
    expect(withJson.code).toBe(2);
    expect(withJson.stderr).toContain("cannot be combined with --json");
    expect(withJson.stdout).toBe("");
  });

  it("--open writes a temporary file and opens it with the browser", async () => {
    const env = { ...home.env, AUTHORSTACK_BROWSER: "/bin/true" };
    const r = await runCli(["report", ...PERIOD, "--open"], env, NOW);
    expect(r.code).toBe(0);
    expect(r.opened).toHaveLength(1);
    const file = fileURLToPath(r.opened[0]!);
    expect(readFileSync(file, "utf8")).toContain("<svg");
    rmSync(dirname(file), { recursive: true });
  });

  it("--open writes each report into a new private folder, not a fixed shared one", async () => {
    const files: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await runCli(["report", ...PERIOD, "--open"], home.env, NOW);
      expect(r.code, r.stderr).toBe(0);
      files.push(/Wrote (\S+\.html)/.exec(r.stderr)![1]!);
    }
    try {
      const dirs = files.map((f) => dirname(f));
      expect(dirs[0]).not.toBe(dirs[1]);
      for (const dir of dirs) {
        expect(dirname(dir)).toBe(tmpdir());
        expect(basename(dir)).toMatch(/^authorstack-.{6}$/);
        expect(statSync(dir).mode & 0o777).toBe(0o700);
      }
      for (const file of files) expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      for (const file of files) rmSync(dirname(file), { recursive: true, force: true });
    }
  });

  it("--open does not open a browser in a non-interactive session; it says where the file is", async () => {
    const r = await runCli(["report", ...PERIOD, "--open"], home.env, NOW);
    expect(r.code).toBe(0);
    expect(r.opened).toHaveLength(0);
    const m = /Wrote (\S+\.html)/.exec(r.stderr);
    expect(m).not.toBeNull();
    rmSync(dirname(m![1]!), { recursive: true });
  });

  it("an unwritable --html file is an input error (exit 3) naming the file", async () => {
    const r = await runCli(["report", ...PERIOD, "--html", "/nonexistent-dir/x.html"], home.env, NOW);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("cannot write the HTML report to /nonexistent-dir/x.html");
    expect(r.stderr).not.toContain("internal error");
    // A path whose folder is a file (unwritable even for root).
    writeFileSync(join(home.dir, "not-a-folder"), "");
    const under = join(home.dir, "not-a-folder", "report.html");
    const r2 = await runCli(["report", ...PERIOD, "--html", under], home.env, NOW);
    expect(r2.code).toBe(3);
    expect(r2.stderr).toContain(under);
  });

  it("an empty period still renders a page", async () => {
    const file = join(home.dir, "empty.html");
    const r = await runCli(
      ["report", "--from", "2020-01-01", "--to", "2020-01-31", "--html", file],
      home.env,
      NOW,
    );
    expect(r.code).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("No sales in this period.");
  });
});

describe("rendered in headless Chromium", () => {
  let browser: BrowserContext;
  let fake: FakeResend;
  let profile: string;
  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), "authorstack-chromium-"));
    browser = await launchChromium(profile, { viewport: { width: 1000, height: 800 } });
    fake = await startFakeResend();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await fake?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  async function screenshot(html: string, png: string) {
    const page = await browser.newPage();
    const context = page;
    const external: string[] = [];
    page.on("request", (req) => {
      if (!req.url().startsWith("data:") && !req.url().startsWith("about:")) external.push(req.url());
    });
    await page.setContent(html, { waitUntil: "load" });
    await page.screenshot({ path: png, fullPage: true });
    const info = await page.evaluate(() => ({
      width: document.documentElement.scrollWidth,
      height: document.documentElement.scrollHeight,
      text: document.body.textContent,
    }));
    return { page, context, external, info };
  }

  it("the HTML report renders with its chart (screenshot to PNG)", async () => {
    const file = join(home.dir, "report.html");
    expect((await runCli(["report", ...PERIOD, "--html", file], home.env, NOW)).code).toBe(0);
    const png = join(home.dir, "report.png");
    const { page, context, external, info } = await screenshot(readFileSync(file, "utf8"), png);
    try {
      expect(external).toEqual([]);
      const bars = await page.locator("svg.chart rect.bar").count();
      expect(bars).toBeGreaterThan(5);
      const box = await page.locator("svg.chart").first().boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(box!.height).toBeGreaterThan(150);
      // A bar really has height on screen.
      const barBox = await page.locator("svg.chart rect.bar").first().boundingBox();
      expect(barBox!.height).toBeGreaterThan(2);
      expect(info.text).toContain("Gardens of Salt");
      const pngBytes = readFileSync(png);
      expect(pngBytes.subarray(1, 4).toString()).toBe("PNG");
      expect(pngBytes.length).toBeGreaterThan(10_000);
    } finally {
      await context.close();
    }
  });

  it("the email's HTML part renders in Chromium with table bars, and the email has a text part", async () => {
    const env = {
      ...home.env,
      RESEND_API_KEY: FAKE_RESEND_KEY,
      RESEND_BASE_URL: fake.url,
      AUTHORSTACK_EMAIL_FROM: "digest@books.example.com",
      AUTHORSTACK_EMAIL_TO: "author@example.com",
    };
    await grantPro(env, NOW);
    expect((await runCli(["report", ...PERIOD, "--email"], env, NOW)).code).toBe(0);
    const body = fake.sent[0]!.body;
    expect(String(body.text).length).toBeGreaterThan(100);
    const png = join(home.dir, "email.png");
    const { page, context, external, info } = await screenshot(String(body.html), png);
    try {
      expect(external).toEqual([]);
      expect(info.width).toBeLessThanOrEqual(1000); // no horizontal overflow at desktop width
      // The chart: table cells painted as bars, with real width on screen.
      const bars = page.locator('td[bgcolor="#4f46e5"]');
      expect(await bars.count()).toBeGreaterThan(5);
      const widths = await bars.evaluateAll((cells) => cells.map((c) => c.getBoundingClientRect().width));
      expect(Math.max(...widths)).toBeGreaterThan(100);
      expect(Math.min(...widths)).toBeGreaterThan(0);
      expect(info.text).toContain("Gardens of Salt");
      expect(info.text).toContain("USD 62.18");
      const pngBytes = readFileSync(png);
      expect(pngBytes.subarray(1, 4).toString()).toBe("PNG");
      expect(pngBytes.length).toBeGreaterThan(10_000);
    } finally {
      await context.close();
    }
  });
});
