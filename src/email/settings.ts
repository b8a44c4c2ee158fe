import type { Deps } from "../deps.js";
import { AuthError, UsageError } from "../errors.js";

/**
 * Where the digest goes and how it is sent. Precedence (CLI contract): flag > environment > config.
 * - key: RESEND_API_KEY, else the credentials store (service "resend", field "apiKey"), so a cron job
 *   need not carry the key in its environment.
 * - sender: AUTHORSTACK_EMAIL_FROM, else config `email.from`.
 * - recipient: the --email argument, else AUTHORSTACK_EMAIL_TO, else config `digest.email`.
 */
export interface EmailSettings {
  apiKey: string;
  from: string;
  to: string;
  /** RESEND_BASE_URL (tests, self-hosted emulators); undefined means Resend itself. */
  baseUrl: string | undefined;
}

/** "a@x.com" or "Name <a@x.com>". */
const ADDRESS = /^(?:[^<>@]*<\s*)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>.]+\s*>?$/;

export function isEmailAddress(text: string): boolean {
  return ADDRESS.test(text.trim());
}

export function recipientFrom(deps: Deps, flag?: string): string | undefined {
  const fromFlag = flag?.trim();
  if (fromFlag) return fromFlag;
  return deps.env.AUTHORSTACK_EMAIL_TO?.trim() || deps.config()["digest.email"]?.trim() || undefined;
}

export function senderFrom(deps: Deps): string | undefined {
  return deps.env.AUTHORSTACK_EMAIL_FROM?.trim() || deps.config()["email.from"]?.trim() || undefined;
}

export function apiKeyFrom(deps: Deps): string | undefined {
  const fromEnv = deps.env.RESEND_API_KEY?.trim();
  if (fromEnv) return fromEnv;
  try {
    return deps.credentials.get("resend")?.apiKey?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** True when a digest could be addressed at all (used by `run` to decide on failure alerts). */
export function emailConfigured(deps: Deps, flag?: string): boolean {
  return Boolean(recipientFrom(deps, flag) && senderFrom(deps) && apiKeyFrom(deps));
}

/**
 * The settings needed to send, or one AuthError (exit 4) that names every missing setting.
 * A malformed --email argument is a usage error (exit 2); a malformed setting names where it came from.
 */
export function resolveEmailSettings(deps: Deps, flag?: string): EmailSettings {
  const to = recipientFrom(deps, flag);
  const from = senderFrom(deps);
  const apiKey = apiKeyFrom(deps);
  if (flag?.trim() && !isEmailAddress(flag)) {
    throw new UsageError(`--email "${flag}" is not an email address.`, {
      hint: "Give an address like you@example.com, or omit the argument to use AUTHORSTACK_EMAIL_TO / digest.email.",
    });
  }
  const missing: string[] = [];
  const hints: string[] = [];
  if (!apiKey) {
    missing.push("the Resend API key");
    hints.push("set RESEND_API_KEY (create a key at https://resend.com/api-keys)");
  }
  if (!from) {
    missing.push("the sender address");
    hints.push(
      "set AUTHORSTACK_EMAIL_FROM or run `authorstack config set email.from you@your-verified-domain.com` (a domain verified in Resend)",
    );
  }
  if (!to) {
    missing.push("the recipient address");
    hints.push(
      "pass --email you@example.com, set AUTHORSTACK_EMAIL_TO, or run `authorstack config set digest.email you@example.com`",
    );
  }
  if (missing.length > 0) {
    throw new AuthError(`email is not set up: missing ${missing.join(", ")}.`, {
      hint: hints.map((h) => `- ${h}`).join("\n"),
    });
  }
  if (!isEmailAddress(from!)) {
    const where = deps.env.AUTHORSTACK_EMAIL_FROM?.trim() ? "AUTHORSTACK_EMAIL_FROM" : "config email.from";
    throw new AuthError(`the sender "${from}" (${where}) is not an email address.`, {
      hint: 'Use "you@your-domain.com" or "Your Name <you@your-domain.com>".',
    });
  }
  if (!isEmailAddress(to!)) {
    const where = deps.env.AUTHORSTACK_EMAIL_TO?.trim() ? "AUTHORSTACK_EMAIL_TO" : "config digest.email";
    throw new AuthError(`the recipient "${to}" (${where}) is not an email address.`, {
      hint: "Set it to an address like you@example.com.",
    });
  }
  const baseUrl = deps.env.RESEND_BASE_URL?.trim().replace(/\/+$/, "") || undefined;
  return { apiKey: apiKey!, from: from!, to: to!, baseUrl };
}
