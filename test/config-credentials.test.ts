import { chmodSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileCredentialStore, mask } from "../src/credentials.js";
import { resolveHome } from "../src/home.js";
import { makeHome, type TestHome } from "./helpers/cli.js";

let t: TestHome;
beforeEach(() => {
  t = makeHome();
});
afterEach(() => t.cleanup());

describe("config", () => {
  it("sets, gets, lists and unsets known keys", async () => {
    expect((await t.run("config", "set", "gumroad.clientId", "abc123")).code).toBe(0);
    const get = await t.run("config", "get", "gumroad.clientId");
    expect(get.stdout).toBe("abc123\n");
    const list = await t.run("config", "list", "--json");
    expect(JSON.parse(list.stdout)).toContainEqual(
      expect.objectContaining({ key: "gumroad.clientId", value: "abc123" }),
    );
    expect(JSON.parse(readFileSync(join(t.home, "config.json"), "utf8"))).toEqual({
      "gumroad.clientId": "abc123",
    });
    expect((await t.run("config", "unset", "gumroad.clientId")).code).toBe(0);
    expect((await t.run("config", "get", "gumroad.clientId")).stdout).toBe("");
  });

  it("refuses unknown keys, and secrets, with exit 2", async () => {
    const typo = await t.run("config", "set", "gumroad.clientid", "x");
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown config key "gumroad.clientid"');
    const secret = await t.run("config", "set", "resend.apiKey", "re_test_abc");
    expect(secret.code).toBe(2);
    expect(secret.stderr).toContain("Secrets are not stored in config.json");
    expect(secret.stderr).not.toContain("re_test_abc");
  });

  it("says where things live", async () => {
    const r = await t.run("config", "path", "--json");
    expect(JSON.parse(r.stdout)).toEqual({
      config: join(t.home, "config.json"),
      credentials: join(t.home, "credentials.json"),
      database: join(t.home, "authorstack.db"),
      home: t.home,
    });
  });

  it("uses XDG folders without AUTHORSTACK_HOME", () => {
    const paths = resolveHome({ XDG_DATA_HOME: "/x/data", XDG_CONFIG_HOME: "/x/config" });
    expect(paths.database).toBe("/x/data/authorstack/authorstack.db");
    expect(paths.credentials).toBe("/x/config/authorstack/credentials.json");
  });

  it("reports a damaged config.json as bad input", async () => {
    mkdirSync(t.home, { recursive: true });
    await import("node:fs").then((fs) => fs.writeFileSync(join(t.home, "config.json"), "{nope"));
    const r = await t.run("config", "list");
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("config.json: not valid JSON");
  });
});

describe("credentials store", () => {
  it("writes 0600 in a 0700 folder and reads back", () => {
    const dir = join(t.home, "creds");
    const store = new FileCredentialStore(join(dir, "credentials.json"));
    store.set("gumroad", { accessToken: "tok_test_123456" });
    expect(statSync(join(dir, "credentials.json")).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(store.get("gumroad")).toEqual({ accessToken: "tok_test_123456" });
    expect(store.delete("gumroad")).toBe(true);
    expect(store.get("gumroad")).toBeUndefined();
  });

  it("refuses a file others can read, and says how to fix it", () => {
    const path = join(t.home, "credentials.json");
    const store = new FileCredentialStore(path);
    store.set("gumroad", { accessToken: "tok_test_123456" });
    chmodSync(path, 0o644);
    expect(() => store.get("gumroad")).toThrow(/can be read by other users \(mode 644\)/);
    try {
      store.get("gumroad");
    } catch (error) {
      expect((error as { hint: string }).hint).toContain(`chmod 600 "${path}"`);
      expect(String((error as Error).message)).not.toContain("tok_test_123456");
    }
  });

  it("masks secrets to their last four characters", () => {
    expect(mask("re_test_abcdefgh")).toBe("••••efgh");
  });
});
