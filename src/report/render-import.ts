import type { ImportKdpResult } from "../commands/import.js";

function monthRange(months: string[]): string {
  if (months.length === 0) return "none";
  if (months.length <= 3) return months.join(", ");
  return `${months[0]} … ${months[months.length - 1]} (${months.length} months)`;
}

/** The per-file summary of `import kdp`, for people. */
export function renderImportSummary(result: ImportKdpResult): string {
  const lines: string[] = [];
  for (const f of result.files) {
    if (f.status === "already imported") {
      lines.push(`${f.file}: already imported, nothing to do`);
      continue;
    }
    lines.push(`${f.file}${f.status === "dry run" ? " (dry run: nothing written)" : ""}`);
    lines.push(`  kind      ${f.kind} (${f.family}), language ${f.language ?? "unknown"}`);
    lines.push(
      `  snapshot  ${f.snapshotTime} (from the ${f.snapshotTimeSource === "workbook" ? "workbook" : "file's modification time"})`,
    );
    lines.push(`  months    ${monthRange(f.months)}`);
    lines.push(`  rows      ${f.rowsRead} read, ${f.rowsStored} stored`);
    if (f.monthsReplaced.length) lines.push(`  replaced  ${monthRange(f.monthsReplaced)} (older snapshot)`);
    if (f.monthsSkipped.length)
      lines.push(`  skipped   ${monthRange(f.monthsSkipped)} (a newer snapshot is already stored)`);
    for (const w of f.warnings) lines.push(`  warning   ${w}`);
  }
  return lines.join("\n");
}
