/**
 * `report --email [address] [--dry-run]` (Pro): the report as one email through Resend, with an
 * Idempotency-Key derived from recipient + period + content, so running it again for the same period
 * and the same figures sends the same request and Resend delivers it once.
 */
import type { Deps } from "../deps.js";
import { type EmailMessage, idempotencyKey } from "../email/message.js";
import { sendEmail } from "../email/resend.js";
import { type EmailSettings, recipientFrom, resolveEmailSettings, senderFrom } from "../email/settings.js";
import { AuthError } from "../errors.js";
import type { ReportBundle } from "../report/present.js";
import { renderDigestEmail } from "../report/render-email.js";
import { buildReportBundle } from "./html-report.js";
import type { ReportOptions } from "./report.js";

export interface EmailReportOptions extends ReportOptions {
  /** The --email argument; otherwise AUTHORSTACK_EMAIL_TO / digest.email. (`to` is the period's end.) */
  recipient?: string;
  dryRun?: boolean;
}

export interface EmailReportResult {
  sent: boolean;
  dryRun: boolean;
  /** Resend's email id. */
  id: string | null;
  from: string | null;
  to: string | null;
  subject: string;
  period: { from: string; to: string };
  idempotencyKey: string;
  attempts: number;
  text: string;
  /** The HTML part (dry runs only; a sent email's HTML is not echoed). */
  html: string | null;
  /** Why a dry run could not be sent as it is (missing settings). */
  warnings: string[];
}

/** Sends an already rendered digest; shared by `report --email` and `run`. */
export async function sendDigest(
  bundle: ReportBundle,
  settings: EmailSettings,
  kind = "digest",
  notice?: string,
): Promise<{ id: string; attempts: number; message: EmailMessage; key: string }> {
  const message = renderDigestEmail(bundle, { notice });
  const period = `${bundle.report.period.from}_${bundle.report.period.to}`;
  const key = idempotencyKey(kind, settings.to, period, message);
  const { id, attempts } = await sendEmail(settings, message, { idempotencyKey: key });
  return { id, attempts, message, key };
}

export async function runEmailReport(options: EmailReportOptions, deps: Deps): Promise<EmailReportResult> {
  const { requirePro } = await import("../license/gate.js");
  await requirePro(deps, "report --email");

  if (options.dryRun) {
    // Show what would be sent, even before email is set up; a malformed --email is still refused.
    const to = recipientFrom(deps, options.recipient) ?? null;
    const from = senderFrom(deps) ?? null;
    const warnings: string[] = [];
    try {
      resolveEmailSettings(deps, options.recipient);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      warnings.push(`not sendable yet: ${error.message}${error.hint ? `\n${error.hint}` : ""}`);
    }
    const bundle = await buildReportBundle(options, deps);
    const message = renderDigestEmail(bundle);
    const period = bundle.report.period;
    return {
      sent: false,
      dryRun: true,
      id: null,
      from,
      to,
      subject: message.subject,
      period,
      idempotencyKey: idempotencyKey("digest", to ?? "", `${period.from}_${period.to}`, message),
      attempts: 0,
      text: message.text,
      html: message.html,
      warnings,
    };
  }

  const settings = resolveEmailSettings(deps, options.recipient);
  const bundle = await buildReportBundle(options, deps);
  const { id, attempts, message, key } = await sendDigest(bundle, settings);
  return {
    sent: true,
    dryRun: false,
    id,
    from: settings.from,
    to: settings.to,
    subject: message.subject,
    period: bundle.report.period,
    idempotencyKey: key,
    attempts,
    text: message.text,
    html: null,
    warnings: [],
  };
}
