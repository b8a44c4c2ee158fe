import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveHome } from "../src/home.js";
import { grantPro, makeHome, runCli, type TestHome } from "./fakes/digest-harness.js";
import { FAKE_RESEND_KEY } from "./fakes/resend.js";

/**
 * A fake `crontab` on PATH, behaving like cron's: `-l` prints the table or fails with
 * "no crontab for <user>", `-` replaces it with stdin. Every call is recorded.
 */
const FAKE_CRONTAB = `#!/bin/sh
table="$FAKE_CRONTAB_DIR/table"
echo "$*" >> "$FAKE_CRONTAB_DIR/calls"
case "$1" in
  -l)
    if [ -f "$table" ]; then cat "$table"; else echo "no crontab for tester" >&2; exit 1; fi ;;
  -)
    cat > "$table.new" && mv "$table.new" "$table" ;;
  *)
    echo "fake crontab: unsupported arguments: $*" >&2; exit 2 ;;
esac
`;

const EXISTING =
  "# m h  dom mon dow   command\nMAILTO=me@example.com\n0 3 * * 0 /usr/local/bin/backup --weekly   # keep\n\n*/5 * * * * echo '100%' > /dev/null\n";

let home: TestHome;
let cronDir: string;
let table: string;

beforeEach(async () => {
  home = makeHome();
  cronDir = join(home.dir, "fake-cron");
  const binDir = join(cronDir, "bin");
  mkdirSync(binDir, { recursive: true });
  writeFileSync(join(binDir, "crontab"), FAKE_CRONTAB);
  chmodSync(join(binDir, "crontab"), 0o755);
  table = join(cronDir, "table");
  home.env.PATH = `${binDir}:${process.env.PATH}`;
  home.env.FAKE_CRONTAB_DIR = cronDir;
  await grantPro(home.env);
});
afterEach(() => home.cleanup());

const marked = (text: string) => text.split("\n").filter((l) => l.includes("# authorstack-schedule:"));

describe("schedule", () => {
  it("install twice leaves exactly one marked line; remove leaves the rest byte for byte", async () => {
    writeFileSync(table, EXISTING);
    const first = await runCli(["schedule", "install", "--daily", "07:30"], home.env);
    expect(first.stderr).toContain("Installed");
    expect(first.code).toBe(0);
    const second = await runCli(["schedule", "install", "--daily", "07:30"], home.env);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("already installed");
    let content = readFileSync(table, "utf8");
    expect(marked(content)).toHaveLength(1);
    expect(content.startsWith(EXISTING)).toBe(true);

    const line = marked(content)[0]!;
    expect(line).toMatch(/^30 7 \* \* \* /);
    expect(line).toContain(`AUTHORSTACK_HOME=${home.dir}`);
    expect(line).toContain(`${process.execPath} `);
    expect(line).toMatch(/\/bin\/authorstack\.js run --email --quiet # authorstack-schedule:[0-9a-f]{10}$/);
    // Absolute paths only.
    const words = line.split(" ");
    expect(words[6]!.startsWith("/")).toBe(true);
    expect(words[7]!.startsWith("/")).toBe(true);

    // A new time replaces the line in place.
    expect((await runCli(["schedule", "install", "--cron", "15 6 * * 1-5"], home.env)).code).toBe(0);
    content = readFileSync(table, "utf8");
    expect(marked(content)).toHaveLength(1);
    expect(marked(content)[0]).toMatch(/^15 6 \* \* 1-5 /);

    const show = await runCli(["schedule", "show"], home.env);
    expect(show.code).toBe(0);
    expect(show.stdout.trim()).toBe(marked(content)[0]);

    const removed = await runCli(["schedule", "remove"], home.env);
    expect(removed.code).toBe(0);
    expect(readFileSync(table, "utf8")).toBe(EXISTING);

    const again = await runCli(["schedule", "remove"], home.env);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("nothing to remove");
    expect(readFileSync(table, "utf8")).toBe(EXISTING);
  });

  it("installs into an empty crontab and keeps a table without a final newline intact", async () => {
    expect((await runCli(["schedule", "install"], home.env)).code).toBe(0);
    const content = readFileSync(table, "utf8");
    expect(marked(content)).toHaveLength(1);
    expect(marked(content)[0]).toMatch(/^30 7 \* \* \* /); // default --daily 07:30
    expect(content.endsWith("\n")).toBe(true);

    writeFileSync(table, "0 1 * * * /bin/true");
    expect((await runCli(["schedule", "install", "--daily", "6:05"], home.env)).code).toBe(0);
    const next = readFileSync(table, "utf8");
    expect(next.startsWith("0 1 * * * /bin/true\n5 6 * * * ")).toBe(true);
    expect((await runCli(["schedule", "remove"], home.env)).code).toBe(0);
    expect(readFileSync(table, "utf8")).toBe("0 1 * * * /bin/true\n");
  });

  it("another home folder gets its own line", async () => {
    writeFileSync(table, EXISTING);
    expect((await runCli(["schedule", "install"], home.env)).code).toBe(0);
    const other = makeHome({ PATH: home.env.PATH, FAKE_CRONTAB_DIR: cronDir });
    try {
      await grantPro(other.env);
      expect((await runCli(["schedule", "install"], other.env)).code).toBe(0);
      expect(marked(readFileSync(table, "utf8"))).toHaveLength(2);
      expect((await runCli(["schedule", "remove"], other.env)).code).toBe(0);
      const left = marked(readFileSync(table, "utf8"));
      expect(left).toHaveLength(1);
      expect(left[0]).toContain(home.dir);
    } finally {
      other.cleanup();
    }
  });

  it("prints the line to add by hand where crontab is missing", async () => {
    const env = { ...home.env, PATH: "/nonexistent-bin" };
    const r = await runCli(["schedule", "install", "--daily", "07:30"], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("not installed");
    expect(r.stdout.trim()).toMatch(
      /^30 7 \* \* \* AUTHORSTACK_HOME=.* run --email --quiet # authorstack-schedule:/,
    );
    expect(existsSync(table)).toBe(false);
  });

  it("rejects bad schedules with a usage error", async () => {
    for (const args of [
      ["--daily", "25:00"],
      ["--daily", "7.30"],
      ["--cron", "* * *"],
      ["--cron", "0 7 * * * rm"],
    ]) {
      const r = await runCli(["schedule", "install", ...args], home.env);
      expect(r.code, args.join(" ")).toBe(2);
    }
    const both = await runCli(["schedule", "install", "--daily", "07:30", "--cron", "0 7 * * *"], home.env);
    expect(both.code).toBe(2);
    expect(existsSync(table)).toBe(false);
  });

  it("install needs a Pro licence; show and remove do not", async () => {
    const bare = makeHome({ PATH: home.env.PATH, FAKE_CRONTAB_DIR: cronDir });
    try {
      const r = await runCli(["schedule", "install"], bare.env);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain("license activate");
      expect((await runCli(["schedule", "show"], bare.env)).code).toBe(0);
      expect((await runCli(["schedule", "remove"], bare.env)).code).toBe(0);
    } finally {
      bare.cleanup();
    }
  });

  it("stores the Resend key for the cron job and warns about settings cron will not see", async () => {
    const env = {
      ...home.env,
      RESEND_API_KEY: FAKE_RESEND_KEY,
      AUTHORSTACK_EMAIL_TO: "author@example.com",
      AUTHORSTACK_EMAIL_FROM: "digest@books.example.com",
    };
    const r = await runCli(["schedule", "install"], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("Stored the Resend API key");
    expect(r.stderr).toContain("config set email.from");
    expect(r.stderr).toContain("config set digest.email");
    expect(r.stdout + r.stderr).not.toContain(FAKE_RESEND_KEY);
    expect(readFileSync(table, "utf8")).not.toContain(FAKE_RESEND_KEY);
    const creds = JSON.parse(readFileSync(join(home.dir, "credentials.json"), "utf8")) as {
      resend: { apiKey: string };
    };
    expect(creds.resend.apiKey).toBe(FAKE_RESEND_KEY);
  });

  it("--json prints the result", async () => {
    const r = await runCli(["schedule", "install", "--json"], home.env);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { action: string; line: string };
    expect(doc.action).toBe("installed");
    expect(doc.line).toContain("# authorstack-schedule:");
  });

  it("pins a relative AUTHORSTACK_HOME as an absolute path, with the same marker as the absolute one", async () => {
    const relativeHome = relative(process.cwd(), home.dir);
    expect(isAbsolute(relativeHome)).toBe(false);
    const r = await runCli(["schedule", "install"], { ...home.env, AUTHORSTACK_HOME: relativeHome });
    expect(r.code, r.stderr).toBe(0);
    const line = marked(readFileSync(table, "utf8"))[0]!;
    expect(assignments(line)).toEqual({ AUTHORSTACK_HOME: home.dir });
    // Cron starts in $HOME: the pinned home is this one from any working directory.
    expect(resolveHome(cronEnv(line, home.dir)).database).toBe(join(home.dir, "authorstack.db"));
    const again = await runCli(["schedule", "install"], home.env);
    expect(again.stderr).toContain("already installed");
    expect(marked(readFileSync(table, "utf8"))).toHaveLength(1);
  });

  it("without AUTHORSTACK_HOME, pins the XDG folders so cron opens the same home", async () => {
    const env: NodeJS.ProcessEnv = {
      ...home.env,
      AUTHORSTACK_HOME: undefined,
      XDG_DATA_HOME: join(home.dir, "xdg-data"),
      XDG_CONFIG_HOME: relative(process.cwd(), join(home.dir, "xdg-config")),
    };
    await grantPro(env);
    const r = await runCli(["schedule", "install"], env);
    expect(r.code, r.stderr).toBe(0);
    const line = marked(readFileSync(table, "utf8"))[0]!;
    expect(line).not.toContain("AUTHORSTACK_HOME");
    expect(assignments(line)).toEqual({
      XDG_DATA_HOME: join(home.dir, "xdg-data"),
      XDG_CONFIG_HOME: join(home.dir, "xdg-config"),
    });
    const shell = resolveHome(env);
    const cron = resolveHome(cronEnv(line, home.dir));
    expect(cron.database).toBe(resolve(shell.database));
    expect(cron.config).toBe(resolve(shell.config));
    expect(cron.credentials).toBe(resolve(shell.credentials));
  });
});

/** The variables a cron line sets before its command (the words after the five schedule fields). */
function assignments(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of line.split(" ").slice(5)) {
    const m = /^([A-Z_]+)=(.*)$/.exec(word);
    if (!m) break;
    out[m[1]!] = m[2]!;
  }
  return out;
}

/** The environment cron gives the job: HOME, a minimal PATH, and the line's own assignments. */
function cronEnv(line: string, userHome: string): NodeJS.ProcessEnv {
  return { HOME: userHome, PATH: "/usr/bin:/bin", ...assignments(line) };
}
