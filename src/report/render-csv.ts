import type { Report } from "./types.js";

function field(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The report as CSV: one line per group plus a total line; amounts are exact decimals with ".". */
export function renderCsv(report: Report): string {
  const ccys = new Set<string>(Object.keys(report.totals.royalties));
  for (const row of report.rows) for (const c of Object.keys(row.royalties)) ccys.add(c);
  const currencies = [...ccys].sort();
  const lines = [
    [
      "key",
      "label",
      "units_sold",
      "units_free",
      "units_refunded",
      "units_net",
      "kenp_pages",
      ...currencies.map((c) => `royalty_${c}`),
      ...(report.currency ? [`converted_${report.currency}`] : []),
      "status",
    ]
      .map(field)
      .join(","),
  ];
  for (const row of report.rows) {
    lines.push(
      [
        row.key,
        row.label,
        row.units.sold,
        row.units.free,
        row.units.refunded,
        row.units.net,
        row.kenpPages,
        ...currencies.map((c) => row.royalties[c] ?? "0"),
        ...(report.currency ? [row.converted?.amount ?? ""] : []),
        row.status,
      ]
        .map(field)
        .join(","),
    );
  }
  const t = report.totals;
  lines.push(
    [
      "total",
      "Total",
      t.units.sold,
      t.units.free,
      t.units.refunded,
      t.units.net,
      t.kenpPages,
      ...currencies.map((c) => t.royalties[c] ?? "0"),
      ...(report.currency ? [t.converted?.amount ?? ""] : []),
      "",
    ]
      .map(field)
      .join(","),
  );
  return `${lines.join("\n")}\n`;
}
