import { AuthError, RemoteError } from "../errors.js";
import type { EmailMessage } from "./message.js";
import type { EmailSettings } from "./settings.js";

/**
 * Sends one email through Resend's `POST /emails` with the `resend` SDK (imported lazily: it is only
 * needed when mail goes out). The SDK never throws for HTTP errors and never retries, so this does:
 * 429 rate_limit_exceeded waits for Retry-After / ratelimit-reset, 409 concurrent_idempotent_requests
 * and 5xx / network errors back off and retry. Every retry carries the same Idempotency-Key, so
 * Resend delivers at most once. What is left is mapped to typed errors carrying Resend's message:
 * key and sender problems → AuthError (exit 4); quota, rate limit, network, server → RemoteError (exit 5).
 * The API key never appears in a message.
 */
export interface SendResult {
  id: string;
  attempts: number;
}

export interface ResendErrorBody {
  name?: string;
  message?: string;
  statusCode?: number | null;
}

export interface SendOptions {
  idempotencyKey: string;
  /** Attempts in all, including the first (default 4). */
  maxAttempts?: number;
  /** Longest wait between attempts, in seconds (default 30). */
  maxWaitSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function sendEmail(
  settings: EmailSettings,
  message: EmailMessage,
  options: SendOptions,
): Promise<SendResult> {
  const { Resend } = await import("resend");
  const client = new Resend(settings.apiKey, settings.baseUrl ? { baseUrl: settings.baseUrl } : undefined);
  const maxAttempts = options.maxAttempts ?? 4;
  const maxWait = (options.maxWaitSeconds ?? 30) * 1000;
  const sleep = options.sleep ?? defaultSleep;

  let attempt = 0;
  for (;;) {
    attempt++;
    const { data, error, headers } = await client.emails.send(
      {
        from: settings.from,
        to: [settings.to],
        subject: message.subject,
        html: message.html,
        text: message.text,
      },
      { idempotencyKey: options.idempotencyKey },
    );
    if (!error && data?.id) return { id: data.id, attempts: attempt };
    const body: ResendErrorBody = (error as ResendErrorBody | null) ?? {
      name: "application_error",
      message: "Resend answered without an email id.",
      statusCode: null,
    };
    const wait = retryDelay(body, headers ?? null, attempt);
    if (wait !== null && attempt < maxAttempts) {
      await sleep(Math.min(wait, maxWait));
      continue;
    }
    throw mapResendError(body, settings, attempt);
  }
}

/** Milliseconds to wait before retrying, or null when retrying cannot help. */
export function retryDelay(
  error: ResendErrorBody,
  headers: Record<string, string> | null,
  attempt: number,
): number | null {
  const backoff = 500 * 2 ** (attempt - 1);
  switch (error.name) {
    case "rate_limit_exceeded": {
      const seconds = Number(headers?.["retry-after"] ?? headers?.["ratelimit-reset"] ?? "1");
      return Number.isFinite(seconds) && seconds >= 0 ? Math.max(seconds * 1000, 100) : backoff;
    }
    case "concurrent_idempotent_requests":
      return backoff;
    case "application_error":
    case "internal_server_error":
      return backoff;
    default:
      if (typeof error.statusCode === "number" && error.statusCode >= 500) return backoff;
      return null;
  }
}

export function mapResendError(
  error: ResendErrorBody,
  settings: Pick<EmailSettings, "from" | "to">,
  attempts = 1,
) {
  const name = error.name ?? "unknown_error";
  const resendSays = error.message ?? "(no message)";
  const status = error.statusCode ?? null;
  const what = `Resend did not send the email (${name}${status ? `, HTTP ${status}` : ""}): ${resendSays}`;
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : "";
  switch (name) {
    case "missing_api_key":
    case "invalid_api_key":
    case "restricted_api_key":
    case "invalid_access":
      return new AuthError(what, {
        hint: "Check RESEND_API_KEY: create a sending key at https://resend.com/api-keys and set it again.",
      });
    case "validation_error":
    case "invalid_from_address":
    case "invalid_parameter":
    case "missing_required_field":
      return new AuthError(what, {
        hint:
          status === 403
            ? `The sender ${settings.from} must be on a domain verified in Resend (https://resend.com/domains); set AUTHORSTACK_EMAIL_FROM or \`authorstack config set email.from\`.`
            : `Check the sender (AUTHORSTACK_EMAIL_FROM / email.from: ${settings.from}) and the recipient (${settings.to}).`,
      });
    case "rate_limit_exceeded":
      return new RemoteError(`${what}${tries}`, {
        hint: "Too many requests to Resend; try again in a minute.",
      });
    case "daily_quota_exceeded":
      return new RemoteError(what, {
        hint: "Resend's daily sending quota is used up (free plan: 100 emails a day); try again tomorrow or upgrade the Resend plan.",
      });
    case "monthly_quota_exceeded":
      return new RemoteError(what, {
        hint: "Resend's monthly sending quota is used up; upgrade the Resend plan.",
      });
    case "invalid_idempotent_request":
    case "concurrent_idempotent_requests":
      return new RemoteError(`${what}${tries}`, {
        hint: "The same digest is being sent by another run; check your inbox, or try again later.",
      });
    default:
      if (typeof status === "number" && (status === 401 || status === 403)) {
        return new AuthError(what, { hint: "Check RESEND_API_KEY and the sender's domain in Resend." });
      }
      return new RemoteError(`${what}${tries}`, {
        hint:
          status === null
            ? "Could not reach Resend; check the network connection (or RESEND_BASE_URL) and try again."
            : "Resend failed; try again later (https://resend-status.com).",
      });
  }
}
