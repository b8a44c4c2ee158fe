#!/usr/bin/env node
// A stand-in for the user's browser, for AUTHORSTACK_BROWSER in the end-to-end login test:
// opens the URL in headless Debian Chromium (driven by playwright-core, fresh profile), clicks
// "Authorize" on the fake Gumroad consent page, waits for the loopback callback page, and writes
// what it saw as JSON to $GUMROAD_BROWSER_RESULT.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchChromium } from "../helpers/chromium.mjs";

const url = process.argv[2];
const resultPath = process.env.GUMROAD_BROWSER_RESULT;
const profile = mkdtempSync(join(tmpdir(), "authorstack-chromium-"));
const result = { url, steps: [], callbackStatus: null, callbackText: null, error: null };
let context;
try {
  context = await launchChromium(profile);
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("response", (response) => {
    if (new URL(response.url()).pathname === "/callback") result.callbackStatus = response.status();
  });
  await page.goto(url);
  result.steps.push(await page.title());
  const button = page.getByRole("button", { name: "Authorize" });
  if ((await button.count()) > 0) {
    await Promise.all([page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/), button.click()]);
  } else {
    await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
  }
  await page.waitForLoadState("load");
  result.steps.push(page.url().replace(/code=[^&]+/, "code=…"));
  result.callbackText = await page.locator("body").textContent();
} catch (error) {
  result.error = String(error?.stack ?? error);
} finally {
  await context?.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
  if (resultPath) writeFileSync(resultPath, JSON.stringify(result, null, 2));
}
