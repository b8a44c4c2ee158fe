import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileCredentialStore } from "../src/credentials.js";
import { type FakeGumroad, startFakeGumroad } from "./fakes/gumroad.js";
import { FIXTURES, makeHome } from "./helpers/cli.js";

let fake: FakeGumroad;
beforeAll(async () => {
  fake = await startFakeGumroad({ sales: 5, seed: 1 });
});
afterAll(() => fake.close());

function env(extra: Record<string, string> = {}) {
  return { AUTHORSTACK_GUMROAD_API_URL: fake.url, AUTHORSTACK_HTTP_RETRY_BASE_MS: "1", ...extra };
}

async function doctor(t: ReturnType<typeof makeHome>) {
  const r = await t.run("doctor", "--json");
  expect(r.code, r.stderr).toBe(0);
  const result = JSON.parse(r.stdout) as {
    ok: boolean;
    checks: { name: string; status: string; detail: string; fix?: string }[];
  };
  return { ...result, check: (name: string) => result.checks.find((c) => c.name === name)! };
}

describe("doctor", () => {
  it("on a fresh home: fine, with what to set up next", async () => {
    const t = makeHome({ env: env() });
    try {
      const d = await doctor(t);
      expect(d.ok).toBe(true);
      expect(d.check("database")).toMatchObject({
        status: "off",
        fix: expect.stringContaining("import kdp"),
      });
      expect(d.check("gumroad")).toMatchObject({ status: "off", fix: "authorstack auth login gumroad" });
      expect(d.check("licence").status).toBe("off");
      expect(d.check("licence").detail).toContain("report --email, run and schedule");
      expect(d.check("email").fix).toContain("RESEND_API_KEY");
      const text = await t.run("doctor");
      expect(text.stdout).toMatch(/^· gumroad +not connected$/m);
    } finally {
      t.cleanup();
    }
  });

  it("checks the database and a working Gumroad token", async () => {
    const t = makeHome({ env: env({ GUMROAD_ACCESS_TOKEN: fake.issueToken() }) });
    try {
      expect(
        (await t.run("import", "kdp", join(FIXTURES, "sample", "KDP_Royalties_Estimator-sample.xlsx"))).code,
      ).toBe(0);
      const d = await doctor(t);
      expect(d.check("database")).toMatchObject({
        status: "ok",
        detail: expect.stringContaining("intact, 19 kdp rows"),
      });
      expect(d.check("gumroad")).toMatchObject({
        status: "ok",
        detail: expect.stringContaining("connected as Ada Lind"),
      });
    } finally {
      t.cleanup();
    }
  });

  it("flags a revoked token, readable credentials and a damaged database, with fixes", async () => {
    const token = fake.issueToken();
    fake.revokeToken(token);
    const t = makeHome({ env: env({ GUMROAD_ACCESS_TOKEN: token }) });
    try {
      new FileCredentialStore(join(t.home, "credentials.json")).set("resend", { apiKey: "re_test_doctor" });
      chmodSync(join(t.home, "credentials.json"), 0o644);
      writeFileSync(
        join(t.home, "authorstack.db"),
        "this is not a database, just text that is long enough".repeat(100),
      );
      const r = await t.run("doctor");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^✗ credentials .*can be read by other users/m);
      expect(r.stdout).toContain("chmod 600");
      expect(r.stdout).toMatch(/^✗ database /m);
      expect(r.stdout).toMatch(/^✗ gumroad /m);
      expect(r.stdout).toContain("authorstack auth login gumroad");
      expect(r.stdout + r.stderr).not.toContain(token);
      expect(r.stdout + r.stderr).not.toContain("re_test_doctor");
      expect(JSON.parse((await t.run("doctor", "--json")).stdout).ok).toBe(false);
    } finally {
      t.cleanup();
    }
  });
});
