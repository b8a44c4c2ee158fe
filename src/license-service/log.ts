/**
 * Structured logs: one JSON object per line. Callers pass only safe fields: licence keys appear as
 * their short hash ("key": "sha256:…"), the Whop API key never. Redaction of known secrets (the Whop
 * key, the request's licence key) is a last line of defence for free-text fields.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type Logger = (
  level: "info" | "warn" | "error",
  message: string,
  fields?: LogFields,
  extraSecrets?: string[],
) => void;

export function jsonLogger(write: (line: string) => void, secrets: string[], now: () => Date): Logger {
  return (level, message, fields = {}, extraSecrets = []) => {
    const all = [...secrets, ...extraSecrets];
    const entry: Record<string, unknown> = { time: now().toISOString(), level, msg: redact(message, all) };
    for (const [name, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      entry[name] = typeof value === "string" ? redact(value, all) : value;
    }
    write(`${JSON.stringify(entry)}\n`);
  };
}

export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  return out;
}
