import type { DoctorResult } from "../commands/doctor.js";

const MARK = { ok: "✓", fail: "✗", off: "·" } as const;

/** One line per check; a fix, where there is one, on the line below. */
export function renderDoctor(result: DoctorResult): string {
  const width = Math.max(...result.checks.map((c) => c.name.length));
  const lines: string[] = [];
  for (const check of result.checks) {
    lines.push(`${MARK[check.status]} ${check.name.padEnd(width)}  ${check.detail}`);
    if (check.fix && check.status !== "ok") lines.push(`  ${" ".repeat(width)}  → ${check.fix}`);
  }
  return lines.join("\n");
}
