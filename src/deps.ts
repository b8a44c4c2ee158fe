import type { Readable, Writable } from "node:stream";
import { type ConfigValues, readConfig } from "./config.js";
import { type CredentialStore, FileCredentialStore } from "./credentials.js";
import { type HomePaths, resolveHome } from "./home.js";

/**
 * Everything a command needs from the outside world, injected so tests run commands in-process
 * with a temp home, a fixed clock, captured streams and fake servers.
 */
export interface Deps {
  env: NodeJS.ProcessEnv;
  home: HomePaths;
  now: () => Date;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  credentials: CredentialStore;
  /** Opens a URL in the user's browser (the `open` package, or AUTHORSTACK_BROWSER). */
  openBrowser: (url: string) => Promise<void>;
  config: () => ConfigValues;
}

export interface GlobalOptions {
  json: boolean;
  quiet: boolean;
  color: boolean;
  input: boolean;
}

export function defaultDeps(env: NodeJS.ProcessEnv = process.env): Deps {
  const home = resolveHome(env);
  return {
    env,
    home,
    now: () => new Date(),
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    credentials: new FileCredentialStore(home.credentials),
    openBrowser: async (url) => {
      const { openBrowser } = await import("./util/browser.js");
      await openBrowser(url, env);
    },
    config: () => readConfig(home.config),
  };
}

/** Prompts are allowed only on a TTY, outside CI, and without --no-input (CLI contract). */
export function isInteractive(deps: Deps, globals: GlobalOptions): boolean {
  return globals.input && Boolean(deps.stdin.isTTY) && !deps.env.CI;
}

/** Colour is off with NO_COLOR, TERM=dumb, --no-color, or when stdout is not a TTY. */
export function useColor(deps: Deps, globals: GlobalOptions): boolean {
  return globals.color && !deps.env.NO_COLOR && deps.env.TERM !== "dumb" && Boolean(deps.stdout.isTTY);
}
