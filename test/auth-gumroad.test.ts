import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultDeps } from "../src/deps.js";
import { type FakeGumroad, startFakeGumroad } from "./fakes/gumroad.js";
import { type GumroadCli, gumroadEnv, makeGumroadCli } from "./gumroad-helpers.js";

const BROWSER_SCRIPT = fileURLToPath(new URL("./fakes/gumroad-browser.mjs", import.meta.url));

interface BrowserResult {
  url: string;
  steps: string[];
  callbackStatus: number | null;
  callbackText: string | null;
  error: string | null;
}

async function waitFor<T>(
  probe: () => T | undefined | null | false,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function authorizeUrlFrom(stderr: string): string | undefined {
  return /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/.exec(stderr)?.[1];
}

function credentials(cli: GumroadCli): Record<string, Record<string, string>> {
  return JSON.parse(readFileSync(join(cli.home, "credentials.json"), "utf8"));
}

describe("auth login gumroad (browser, OAuth loopback + PKCE)", () => {
  let fake: FakeGumroad;
  let cli: GumroadCli;

  beforeEach(async () => {
    fake = await startFakeGumroad({ consentPage: true });
  });

  afterEach(async () => {
    await fake.close();
    cli?.cleanup();
  });

  it("end to end in headless Chromium: the CLI opens the authorize URL, the fake redirects to the loopback callback, the token lands in credentials.json (0600)", async () => {
    const resultPath = join(
      process.env.TMPDIR ?? "/tmp",
      `gumroad-browser-${process.pid}-${Date.now()}.json`,
    );
    cli = makeGumroadCli(
      gumroadEnv(fake, {
        GUMROAD_CLIENT_ID: fake.clientId,
        AUTHORSTACK_BROWSER: BROWSER_SCRIPT,
        GUMROAD_BROWSER_RESULT: resultPath,
      }),
    );
    // the real opener (AUTHORSTACK_BROWSER → spawn), not the test's stub
    cli.deps.openBrowser = defaultDeps(cli.env).openBrowser;
    const code = await cli.run("auth", "login", "gumroad", "--timeout", "60");
    expect(code, cli.stderr()).toBe(0);
    const browser = await waitFor(
      () => (existsSync(resultPath) ? (JSON.parse(readFileSync(resultPath, "utf8")) as BrowserResult) : null),
      "the browser script",
    );
    expect(browser.error).toBeNull();
    expect(browser.callbackStatus).toBe(200);
    expect(browser.callbackText).toContain("You can close this tab");

    // the authorize request: loopback redirect, explicit scope, S256 challenge, state
    const url = new URL(browser.url);
    expect(url.pathname).toBe("/oauth/authorize");
    expect(url.searchParams.get("redirect_uri")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(url.searchParams.get("scope")).toBe("view_sales view_profile");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("state")!.length).toBeGreaterThanOrEqual(32);
    expect(cli.stderr()).toContain(browser.url); // the URL is always printed

    const stored = credentials(cli).gumroad!;
    expect(fake.tokenInfo(stored.accessToken!)?.revoked).toBe(false);
    expect(stored).toMatchObject({ method: "oauth", name: "Ada Lind", email: "ada@example.com" });
    expect(stored.refreshToken).toBeTruthy();
    expect(statSync(join(cli.home, "credentials.json")).mode & 0o777).toBe(0o600);
    // verified with GET /v2/user before storing
    expect(
      fake.requests.filter((r) => r.path !== "/favicon.ico").map((r) => `${r.method} ${r.path}`),
    ).toEqual(["GET /oauth/authorize", "POST /oauth/authorize", "POST /oauth/token", "GET /v2/user"]);
    expect(cli.stderr()).toContain("Connected to Gumroad as Ada Lind");
    expect(cli.stderr() + cli.stdout()).not.toContain(stored.accessToken!);

    cli.reset();
    expect(await cli.run("auth", "status", "--json")).toBe(0);
    const status = JSON.parse(cli.stdout()) as {
      sources: { source: string; connected: boolean; token: string }[];
    };
    expect(status.sources[0]).toMatchObject({
      source: "gumroad",
      connected: true,
      from: "credentials",
      account: { name: "Ada Lind", email: "ada@example.com" },
      token: `••••${stored.accessToken!.slice(-4)}`,
    });
  });

  it("refuses a forged callback with a wrong or missing state, keeps waiting, and accepts the real one", async () => {
    cli = makeGumroadCli(gumroadEnv(fake, { GUMROAD_CLIENT_ID: fake.clientId }));
    const login = cli.run("auth", "login", "gumroad", "--no-browser", "--timeout", "60");
    const url = new URL(await waitFor(() => authorizeUrlFrom(cli.stderr()), "the authorize URL"));
    const redirect = url.searchParams.get("redirect_uri")!;

    const wrong = await fetch(`${redirect}?code=attacker_code&state=not-the-state`);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("state mismatch");
    const missing = await fetch(`${redirect}?code=attacker_code`);
    expect(missing.status).toBe(400);
    expect(cli.stderr()).toMatch(/refused a callback with a wrong state/);
    expect(cli.stderr()).toMatch(/refused a callback without a state/);
    expect(fake.requests.some((r) => r.path === "/oauth/token")).toBe(false);

    // the real browser completes the login
    const resultPath = join(
      process.env.TMPDIR ?? "/tmp",
      `gumroad-browser-forged-${process.pid}-${Date.now()}.json`,
    );
    const child = spawn(BROWSER_SCRIPT, [url.toString()], {
      env: { ...process.env, GUMROAD_BROWSER_RESULT: resultPath },
      stdio: "ignore",
    });
    const code = await login;
    await new Promise((r) => child.once("exit", r));
    expect(code, cli.stderr()).toBe(0);
    const browser = JSON.parse(readFileSync(resultPath, "utf8")) as BrowserResult;
    expect(browser.error).toBeNull();
    expect(credentials(cli).gumroad?.accessToken).toMatch(/^gumroad_test_/);
    // one code only: the listener is gone
    await expect(fetch(`${redirect}?code=x&state=${url.searchParams.get("state")}`)).rejects.toThrow();
  });

  it("a denied authorization ends the login with exit 4 and stores nothing", async () => {
    fake.consentPage = false;
    fake.denyAuthorize = true;
    cli = makeGumroadCli(gumroadEnv(fake, { GUMROAD_CLIENT_ID: fake.clientId }));
    const login = cli.run("auth", "login", "gumroad", "--no-browser");
    const url = await waitFor(() => authorizeUrlFrom(cli.stderr()), "the authorize URL");
    const authorize = await fetch(url, { redirect: "manual" });
    expect(authorize.status).toBe(302);
    const callback = await fetch(authorize.headers.get("location")!);
    expect(callback.status).toBe(400);
    expect(await login).toBe(4);
    expect(cli.stderr()).toContain("denied");
    expect(existsSync(join(cli.home, "credentials.json"))).toBe(false);
  });

  it("times out when no callback arrives", async () => {
    cli = makeGumroadCli(gumroadEnv(fake, { GUMROAD_CLIENT_ID: fake.clientId }));
    expect(await cli.run("auth", "login", "gumroad", "--no-browser", "--timeout", "0.3")).toBe(4);
    expect(cli.stderr()).toMatch(/timed out after 0 s|timed out/);
    expect(cli.stderr()).toContain("--with-token");
  });

  it("a --timeout that is not a number is a usage error quoting what was typed", async () => {
    cli = makeGumroadCli(gumroadEnv(fake, { GUMROAD_CLIENT_ID: fake.clientId }));
    for (const typed of ["ten", "", "-5"]) {
      cli.reset();
      expect(await cli.run("auth", "login", "gumroad", "--no-browser", `--timeout=${typed}`)).toBe(2);
      expect(cli.stderr()).toContain(`--timeout must be a positive number of seconds, not "${typed}"`);
      expect(cli.stderr()).not.toContain("NaN");
    }
    expect(fake.requests).toHaveLength(0);
  });

  it("a wrong client id is refused by Gumroad's page (no redirect) and the login waits, then times out", async () => {
    cli = makeGumroadCli(gumroadEnv(fake, { GUMROAD_CLIENT_ID: "not-my-app" }));
    const login = cli.run("auth", "login", "gumroad", "--no-browser", "--timeout", "1");
    const url = await waitFor(() => authorizeUrlFrom(cli.stderr()), "the authorize URL");
    const page = await fetch(url, { redirect: "manual" });
    expect(page.status).toBe(401);
    expect(await login).toBe(4);
  });

  it("without a client id, explains how to create the Gumroad application or use --with-token", async () => {
    cli = makeGumroadCli(gumroadEnv(fake));
    expect(await cli.run("auth", "login", "gumroad")).toBe(4);
    const err = cli.stderr();
    expect(err).toContain("Settings → Advanced → Applications");
    expect(err).toContain("http://127.0.0.1/callback");
    expect(err).toContain("gumroad.clientId");
    expect(err).toContain("--with-token");
    expect(fake.requests).toHaveLength(0);
  });

  it("takes the client id from config gumroad.clientId", async () => {
    cli = makeGumroadCli(gumroadEnv(fake));
    expect(await cli.run("config", "set", "gumroad.clientId", fake.clientId)).toBe(0);
    const login = cli.run("auth", "login", "gumroad", "--no-browser", "--timeout", "0.5");
    const url = new URL(await waitFor(() => authorizeUrlFrom(cli.stderr()), "the authorize URL"));
    expect(url.searchParams.get("client_id")).toBe(fake.clientId);
    await login;
  });
});

describe("auth login --with-token, status, logout", () => {
  let fake: FakeGumroad;
  let cli: GumroadCli;

  beforeEach(async () => {
    fake = await startFakeGumroad({ sales: 15 });
  });

  afterEach(async () => {
    await fake.close();
    cli?.cleanup();
  });

  it("reads the token from stdin, verifies it with /v2/user, stores it 0600; status masks it; logout forgets it", async () => {
    const token = fake.issueToken();
    cli = makeGumroadCli(gumroadEnv(fake));
    cli.setStdin(`${token}\n`);
    expect(await cli.run("auth", "login", "gumroad", "--with-token", "--json")).toBe(0);
    const result = JSON.parse(cli.stdout());
    expect(result).toMatchObject({
      method: "token",
      account: { name: "Ada Lind" },
      token: `••••${token.slice(-4)}`,
    });
    expect(fake.requests.map((r) => r.path)).toEqual(["/v2/user"]);
    expect(credentials(cli).gumroad).toMatchObject({ accessToken: token, method: "token" });
    expect(statSync(join(cli.home, "credentials.json")).mode & 0o777).toBe(0o600);

    cli.reset();
    expect(await cli.run("auth", "status")).toBe(0);
    expect(cli.stdout()).toContain(
      `gumroad  connected as Ada Lind <ada@example.com>, token ••••${token.slice(-4)}`,
    );
    expect(cli.stdout()).toContain("kdp");
    expect(cli.stdout()).not.toContain(token);

    // the stored token syncs
    cli.reset();
    expect(await cli.run("sync", "gumroad", "--json")).toBe(0);
    expect(JSON.parse(cli.stdout())).toMatchObject({ new: 15 });

    cli.reset();
    expect(await cli.run("auth", "logout", "gumroad")).toBe(0);
    expect(cli.stderr()).toContain("Forgot the stored Gumroad token");
    expect(credentials(cli).gumroad).toBeUndefined();
    cli.reset();
    expect(await cli.run("auth", "status", "--json")).toBe(0);
    expect(JSON.parse(cli.stdout()).sources[0]).toMatchObject({ source: "gumroad", connected: false });
    expect(await cli.run("sync", "gumroad")).toBe(4);
  });

  it("a revoked or unknown token is not stored (exit 4)", async () => {
    const token = fake.issueToken();
    fake.revokeToken(token);
    cli = makeGumroadCli(gumroadEnv(fake));
    cli.setStdin(token);
    expect(await cli.run("auth", "login", "gumroad", "--with-token")).toBe(4);
    expect(cli.stderr()).not.toContain(token);
    expect(existsSync(join(cli.home, "credentials.json"))).toBe(false);
  });

  it("empty stdin is a usage error", async () => {
    cli = makeGumroadCli(gumroadEnv(fake));
    cli.setStdin("  \n");
    expect(await cli.run("auth", "login", "gumroad", "--with-token")).toBe(2);
    expect(await cli.run("auth", "login", "kdp")).toBe(2);
  });

  it("GUMROAD_ACCESS_TOKEN overrides the stored token", async () => {
    const stale = fake.issueToken();
    fake.revokeToken(stale);
    const good = fake.issueToken();
    cli = makeGumroadCli(gumroadEnv(fake, { GUMROAD_ACCESS_TOKEN: good }));
    cli.deps.credentials.set("gumroad", { accessToken: stale, method: "token" });
    expect(await cli.run("sync", "gumroad")).toBe(0);
    cli.reset();
    expect(await cli.run("auth", "status", "--json")).toBe(0);
    expect(JSON.parse(cli.stdout()).sources[0]).toMatchObject({
      from: "env",
      token: `••••${good.slice(-4)}`,
    });
  });
});
