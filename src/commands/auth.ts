import { mask } from "../credentials.js";
import type { Deps } from "../deps.js";
import { AuthError, UsageError } from "../errors.js";
import {
  GumroadApi,
  type GumroadSettings,
  type GumroadUser,
  gumroadSettings,
} from "../sources/gumroad/api.js";
import {
  authorizeUrl,
  createPkce,
  exchangeCode,
  randomState,
  startLoopback,
} from "../sources/gumroad/oauth.js";
import { promptContext } from "../util/prompt.js";

/** Services `auth` knows. KDP has no API: its data comes from report files. */
export const AUTH_SERVICES = ["gumroad"] as const;
const CREDENTIAL_KEY = "gumroad";

export interface AuthLoginOptions {
  service: string;
  withToken: boolean;
  browser: boolean;
  timeoutSeconds: number;
  interactive: boolean;
  /** Messages for the user (the URL, waiting, warnings): stderr. */
  notify?: (message: string) => void;
}

export interface AuthLoginResult {
  service: "gumroad";
  method: "oauth" | "token";
  account: { name: string | null; email: string | null };
  token: string;
  envOverride: boolean;
}

export interface GumroadToken {
  token: string;
  from: "env" | "credentials";
}

/** GUMROAD_ACCESS_TOKEN wins over the stored token (cron, CI). */
export function gumroadToken(deps: Deps): GumroadToken | null {
  const env = deps.env.GUMROAD_ACCESS_TOKEN?.trim();
  if (env) return { token: env, from: "env" };
  const stored = deps.credentials.get(CREDENTIAL_KEY)?.accessToken;
  return stored ? { token: stored, from: "credentials" } : null;
}

function checkService(service: string): "gumroad" {
  if (service === "gumroad") return service;
  if (service === "kdp") {
    throw new UsageError("KDP has no login: its sales come from report files.", {
      hint: "Download the reports from KDP and run `authorstack import kdp <file>`.",
    });
  }
  throw new UsageError(`unknown service "${service}".`, { hint: `Known: ${AUTH_SERVICES.join(", ")}.` });
}

export function missingClientIdHelp(): string {
  return [
    "To log in with the browser, AuthorStack uses your own Gumroad application:",
    "  1. On Gumroad, open Settings → Advanced → Applications and create an application",
    "     with the redirect URI  http://127.0.0.1/callback",
    "  2. Give AuthorStack its application ID:",
    "       authorstack config set gumroad.clientId <application id>   (or set GUMROAD_CLIENT_ID)",
    "     (GUMROAD_CLIENT_SECRET is optional: Gumroad applications are public clients and AuthorStack uses PKCE.)",
    "Or, without the browser: press “Generate access token” on the same page and run",
    "  authorstack auth login gumroad --with-token < token.txt",
  ].join("\n");
}

export async function runAuthLogin(options: AuthLoginOptions, deps: Deps): Promise<AuthLoginResult> {
  checkService(options.service);
  const notify = options.notify ?? ((m: string) => deps.stderr.write(`${m}\n`));
  const settings = gumroadSettings(deps.env, deps.config());
  if (!Number.isFinite(options.timeoutSeconds) || options.timeoutSeconds <= 0) {
    throw new UsageError(`--timeout must be a positive number of seconds, not "${options.timeoutSeconds}".`);
  }

  let token: string;
  let refreshToken: string | null = null;
  let scope: string | null = null;
  let method: "oauth" | "token";
  if (options.withToken) {
    token = await readTokenFromStdin(deps, options.interactive);
    method = "token";
  } else {
    if (!settings.clientId) {
      throw new AuthError("no Gumroad application is configured for the browser login.", {
        hint: missingClientIdHelp(),
      });
    }
    const result = await browserLogin(settings, settings.clientId, options, deps, notify);
    token = result.accessToken;
    refreshToken = result.refreshToken;
    scope = result.scope;
    method = "oauth";
  }

  const user = await verifyToken(settings, token);
  const values: Record<string, string> = {
    accessToken: token,
    method,
    connectedAt: deps.now().toISOString(),
  };
  if (refreshToken) values.refreshToken = refreshToken;
  if (scope) values.scope = scope;
  if (user.name) values.name = user.name;
  if (user.email) values.email = user.email;
  if (user.id) values.userId = String(user.id);
  deps.credentials.set(CREDENTIAL_KEY, values);
  return {
    service: "gumroad",
    method,
    account: { name: user.name ?? null, email: user.email ?? null },
    token: mask(token),
    envOverride: Boolean(deps.env.GUMROAD_ACCESS_TOKEN?.trim()),
  };
}

async function browserLogin(
  settings: GumroadSettings,
  clientId: string,
  options: AuthLoginOptions,
  deps: Deps,
  notify: (message: string) => void,
) {
  const pkce = createPkce();
  const state = randomState();
  const listener = await startLoopback({
    state,
    timeoutMs: options.timeoutSeconds * 1000,
    warn: (m) => notify(`warning: ${m}`),
  });
  try {
    const url = authorizeUrl(settings.authUrl, {
      clientId,
      redirectUri: listener.redirectUri,
      state,
      challenge: pkce.challenge,
    });
    const mayOpen = options.browser && (options.interactive || Boolean(deps.env.AUTHORSTACK_BROWSER));
    notify(
      `${mayOpen ? "Opening Gumroad in your browser. If it does not open, visit" : "Open this address in a browser on this computer"}:\n  ${url}\nWaiting for the login (up to ${options.timeoutSeconds} s; Ctrl-C to cancel)…`,
    );
    if (mayOpen) {
      try {
        await deps.openBrowser(url);
      } catch (error) {
        notify(
          `warning: could not open the browser (${(error as Error).message}); open the address above yourself.`,
        );
      }
    }
    const code = await listener.code;
    return await exchangeCode(settings, {
      code,
      redirectUri: listener.redirectUri,
      verifier: pkce.verifier,
      clientId,
    });
  } finally {
    listener.close();
  }
}

/** One API call proves the token works and tells whose account it is. */
export async function verifyToken(settings: GumroadSettings, token: string): Promise<GumroadUser> {
  const api = new GumroadApi(settings, token);
  try {
    return await api.user();
  } finally {
    await api.close();
  }
}

async function readTokenFromStdin(deps: Deps, interactive: boolean): Promise<string> {
  let text: string;
  if (deps.stdin.isTTY) {
    if (!interactive) {
      throw new UsageError("--with-token reads the token from standard input, which is a terminal here.", {
        hint: "Pipe it in: authorstack auth login gumroad --with-token < token.txt",
      });
    }
    const { password } = await import("@inquirer/prompts");
    text = await password({ message: "Paste your Gumroad access token:", mask: "•" }, promptContext(deps));
  } else {
    const chunks: Buffer[] = [];
    for await (const chunk of deps.stdin)
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    text = Buffer.concat(chunks).toString("utf8");
  }
  const token = text.trim();
  if (!token) {
    throw new UsageError("--with-token: no token on standard input.", {
      hint: "Gumroad → Settings → Advanced → your application → “Generate access token”, then pipe it in.",
    });
  }
  if (/\s/.test(token))
    throw new UsageError("--with-token: the input holds more than one word; give only the token.");
  return token;
}

export interface AuthStatusEntry {
  source: string;
  kind: "api" | "files";
  connected: boolean;
  from: "env" | "credentials" | null;
  account: { name: string | null; email: string | null } | null;
  token: string | null;
  connectedAt: string | null;
  note: string | null;
}

export function runAuthStatus(_options: object, deps: Deps): { sources: AuthStatusEntry[] } {
  const found = gumroadToken(deps);
  const stored = deps.credentials.get(CREDENTIAL_KEY);
  const gumroad: AuthStatusEntry = {
    source: "gumroad",
    kind: "api",
    connected: found !== null,
    from: found?.from ?? null,
    account:
      found?.from === "credentials" && stored
        ? { name: stored.name ?? null, email: stored.email ?? null }
        : null,
    token: found ? mask(found.token) : null,
    connectedAt: found?.from === "credentials" ? (stored?.connectedAt ?? null) : null,
    note: found
      ? found.from === "env"
        ? "GUMROAD_ACCESS_TOKEN is set and overrides any stored token"
        : null
      : "run `authorstack auth login gumroad`",
  };
  const kdp: AuthStatusEntry = {
    source: "kdp",
    kind: "files",
    connected: false,
    from: null,
    account: null,
    token: null,
    connectedAt: null,
    note: "no login: import report files with `authorstack import kdp`",
  };
  return { sources: [gumroad, kdp] };
}

export function runAuthLogout(
  options: { service: string },
  deps: Deps,
): { service: string; removed: boolean; envOverride: boolean } {
  checkService(options.service);
  const removed = deps.credentials.delete(CREDENTIAL_KEY);
  return { service: "gumroad", removed, envOverride: Boolean(deps.env.GUMROAD_ACCESS_TOKEN?.trim()) };
}
