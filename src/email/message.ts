import { createHash } from "node:crypto";

/** One email as we send it: both parts always present. */
export interface EmailMessage {
  subject: string;
  html: string;
  text: string;
}

/**
 * The Idempotency-Key for a message: derived from recipient + period + content, so a retried cron run
 * (or `report --email` run twice for the same period and the same figures) cannot send the same digest
 * twice, while a changed figure yields a new key. Resend keeps keys for 24 hours; 1–256 characters.
 */
export function idempotencyKey(
  kind: string,
  recipient: string,
  period: string,
  message: EmailMessage,
): string {
  const hash = createHash("sha256")
    .update(recipient.trim().toLowerCase())
    .update("\0")
    .update(period)
    .update("\0")
    .update(message.subject)
    .update("\0")
    .update(message.html)
    .update("\0")
    .update(message.text)
    .digest("hex");
  return `authorstack-${kind}/${period}/${hash.slice(0, 40)}`;
}
