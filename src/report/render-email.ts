/**
 * The emailed digest: a subject with the period and the headline figure, an HTML part built for mail
 * clients (nested tables, inline styles only, the chart as table bars; no scripts, no images, no
 * external anything) and a plain-text part with the same figures. Pure: same data → same bytes, so
 * the Idempotency-Key derived from the content is stable across retries.
 */
import { parseMicros } from "../util/money.js";
import {
  currenciesOf,
  formatAmount,
  formatCount,
  formatMoney,
  groupTitle,
  headline,
  periodText,
  plotValue,
  primaryCurrency,
  type ReportBundle,
  rowAmount,
  royaltiesText,
  timeRows,
} from "./present.js";
import { escapeXml as esc } from "./svg-chart.js";
import { type Report, type ReportRow, TIME_GROUPS } from "./types.js";

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const FONT = "font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif";
const CELL = `padding:6px 8px;border-bottom:1px solid #e5e7eb;font-size:13px;${FONT};color:#111827`;
const NUM = `${CELL};text-align:right;white-space:nowrap`;
const HEAD = `padding:6px 8px;border-bottom:2px solid #d1d5db;font-size:11px;${FONT};color:#4b5563;text-align:left;text-transform:uppercase`;
const BAR_COLOR = "#4f46e5";
const MAX_BARS = 40;

export function digestSubject(report: Report): string {
  return `AuthorStack digest ${periodText(report)}: ${headline(report)}`;
}

function headlineCells(report: Report): string {
  const t = report.totals;
  const cells: string[] = [];
  const cell = (label: string, value: string, sub: string) =>
    `<td valign="top" style="padding:10px 12px;border:1px solid #e5e7eb;background:#ffffff;${FONT}"><div style="font-size:11px;color:#6b7280;text-transform:uppercase">${esc(label)}</div><div style="font-size:20px;font-weight:bold;color:#111827;margin-top:2px">${esc(value)}</div><div style="font-size:11px;color:#6b7280">${esc(sub)}</div></td>`;
  const currencies = currenciesOf(t.royalties);
  if (currencies.length === 0) cells.push(cell("Royalties", "0", "no sales"));
  for (const c of currencies.slice(0, 3))
    cells.push(cell(`Royalties ${c}`, formatAmount(c, t.royalties[c]!), c));
  if (t.converted)
    cells.push(
      cell(`≈ ${t.converted.currency}`, formatAmount(t.converted.currency, t.converted.amount), "estimate"),
    );
  cells.push(
    cell(
      "Units (net)",
      formatCount(t.units.net),
      `${formatCount(t.units.sold)} sold · ${formatCount(t.units.refunded)} refunded`,
    ),
  );
  cells.push(cell("KENP pages", formatCount(t.kenpPages), "read"));
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="6" border="0" style="border-collapse:separate"><tr>${cells.join("")}</tr></table>`;
}

function barChart(bundle: ReportBundle): { html: string; text: string } {
  let rows = timeRows(bundle.timeline);
  const title = `Royalties over time (${groupTitle(bundle.timeline.groupBy).toLowerCase()})`;
  if (rows.length === 0) {
    return {
      html: `<p style="${FONT};font-size:13px;color:#6b7280">No sales in this period.</p>`,
      text: "No sales in this period.\n",
    };
  }
  const dropped = rows.length > MAX_BARS ? rows.length - MAX_BARS : 0;
  if (dropped) rows = rows.slice(dropped);
  const currency = primaryCurrency(bundle.timeline);
  const values = rows.map((r) => (currency ? plotValue(rowAmount(r, currency)) : 0));
  const max = Math.max(0, ...values);
  const htmlRows = rows
    .map((row, i) => {
      const value = values[i]!;
      const amount = currency ? rowAmount(row, currency) : undefined;
      const pct = max > 0 && value > 0 ? Math.max(1, Math.round((value / max) * 100)) : 0;
      const bar =
        pct > 0
          ? `<table role="presentation" width="${pct}%" cellpadding="0" cellspacing="0" border="0"><tr><td height="14" bgcolor="${BAR_COLOR}" style="background:${BAR_COLOR};height:14px;font-size:0;line-height:0">&nbsp;</td></tr></table>`
          : `<span style="font-size:11px;color:#9ca3af">—</span>`;
      return `<tr><td style="${CELL};width:110px;white-space:nowrap">${esc(row.label)}</td><td style="${CELL};width:300px">${bar}</td><td style="${NUM}">${amount !== undefined && currency ? esc(formatAmount(currency, amount)) : "0"}</td><td style="${NUM};color:#6b7280">${formatCount(row.units.net)} u</td></tr>`;
    })
    .join("\n");
  const caption = `${title}${currency ? `, ${currency}${bundle.timeline.currency ? " (converted estimate)" : ""}` : ""}`;
  const more = dropped
    ? `<p style="${FONT};font-size:11px;color:#6b7280">${dropped} earlier ${dropped === 1 ? "entry" : "entries"} not shown.</p>`
    : "";
  const html = `<h2 style="${FONT};font-size:15px;margin:20px 0 8px;color:#111827">${esc(caption)}</h2>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse">
${htmlRows}
</table>${more}`;

  const labelW = Math.max(...rows.map((r) => r.label.length), 5);
  const amounts = rows.map((r) => {
    const a = currency ? rowAmount(r, currency) : undefined;
    return a !== undefined && currency ? formatAmount(currency, a) : "0";
  });
  const amountW = Math.max(...amounts.map((a) => a.length));
  const textRows = rows
    .map((row, i) => {
      const value = values[i]!;
      const n = max > 0 && value > 0 ? Math.max(1, Math.round((value / max) * 24)) : 0;
      return `  ${row.label.padEnd(labelW)}  ${amounts[i]!.padStart(amountW)}  ${"█".repeat(n).padEnd(24)}  ${formatCount(row.units.net)} u`;
    })
    .join("\n");
  const text = `${caption}\n${textRows}\n${dropped ? `  (${dropped} earlier entries not shown)\n` : ""}`;
  return { html, text };
}

function htmlTable(report: Report, title: string): string {
  const currencies = currenciesOf(report.totals.royalties);
  const rows = TIME_GROUPS.has(report.groupBy) ? timeRows(report) : report.rows;
  const head = `<tr><th style="${HEAD}">${esc(groupTitle(report.groupBy).replace(/^By /, ""))}</th><th style="${HEAD};text-align:right">Net units</th><th style="${HEAD};text-align:right">KENP</th><th style="${HEAD};text-align:right">Royalties</th></tr>`;
  const body = rows
    .map(
      (row: ReportRow) =>
        `<tr><td style="${CELL}">${esc(row.label)}${row.status === "estimate" ? ' <span style="font-size:10px;color:#92400e">(estimate)</span>' : ""}</td><td style="${NUM}">${formatCount(row.units.net)}</td><td style="${NUM}">${formatCount(row.kenpPages)}</td><td style="${NUM}">${
          currencies
            .filter((c) => row.royalties[c] !== undefined)
            .map((c) => esc(formatMoney(c, row.royalties[c]!)))
            .join("<br>") || "—"
        }</td></tr>`,
    )
    .join("\n");
  const empty =
    rows.length === 0
      ? `<tr><td colspan="4" style="${CELL};color:#6b7280">No sales in this period.</td></tr>`
      : "";
  return `<h2 style="${FONT};font-size:15px;margin:20px 0 8px;color:#111827">${esc(title)}</h2>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse">
${head}
${body}${empty}
</table>`;
}

function textTable(report: Report, title: string): string {
  const rows = TIME_GROUPS.has(report.groupBy) ? timeRows(report) : report.rows;
  if (rows.length === 0) return `${title}\n  No sales in this period.\n`;
  const labelW = Math.min(40, Math.max(...rows.map((r) => r.label.length), 5));
  const lines = rows.map((row) => {
    const label = row.label.length > labelW ? `${row.label.slice(0, labelW - 1)}…` : row.label.padEnd(labelW);
    return `  ${label}  ${String(formatCount(row.units.net)).padStart(6)} u  ${String(formatCount(row.kenpPages)).padStart(7)} pp  ${royaltiesText(row.royalties, ", ")}`;
  });
  return `${title}\n${lines.join("\n")}\n`;
}

function totalsHtml(report: Report): string {
  const t = report.totals;
  const currencies = currenciesOf(t.royalties);
  if (currencies.length === 0) return "";
  const rows = currencies
    .map((c) => {
      const negative = (parseMicros(t.royalties[c]!) ?? 0) < 0;
      return `<tr><td style="${CELL}">${esc(c)}</td><td style="${NUM}${negative ? ";color:#dc2626" : ""}">${esc(formatMoney(c, t.royalties[c]!))}</td></tr>`;
    })
    .join("\n");
  const conv = t.converted
    ? `<tr><td style="${CELL};color:#6b7280">≈ all in ${esc(t.converted.currency)} (estimate)</td><td style="${NUM};color:#6b7280">${esc(formatMoney(t.converted.currency, t.converted.amount))}</td></tr>`
    : "";
  return `<h2 style="${FONT};font-size:15px;margin:20px 0 8px;color:#111827">Totals per currency</h2>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse">
${rows}${conv}
</table>`;
}

function totalsText(report: Report): string {
  const t = report.totals;
  const currencies = currenciesOf(t.royalties);
  if (currencies.length === 0) return "";
  const lines = currencies.map((c) => `  ${formatMoney(c, t.royalties[c]!)}`);
  if (t.converted)
    lines.push(
      `  ≈ ${formatMoney(t.converted.currency, t.converted.amount)} (estimate; rates: ${t.converted.rates})`,
    );
  return `Totals per currency\n${lines.join("\n")}\n`;
}

function layout(title: string, inner: string, preheader: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${esc(title)}</title>
</head>
<body style="margin:0;padding:0;background:#f3f4f6">
<div style="display:none;max-height:0;overflow:hidden">${esc(preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#f3f4f6" style="background:#f3f4f6">
<tr><td align="center" style="padding:16px 8px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" style="width:600px;max-width:100%;background:#ffffff;border:1px solid #e5e7eb">
<tr><td style="padding:20px 24px">
${inner}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

/**
 * `notice`: one line shown right under the period in both parts, e.g. that a source's figures are
 * incomplete because its sync failed.
 */
export function renderDigestEmail(bundle: ReportBundle, options: { notice?: string } = {}): RenderedEmail {
  const { report } = bundle;
  const subject = digestSubject(report);
  const chart = barChart(bundle);
  const sources = report.sources.length > 0 ? report.sources.join(", ") : "all sources";
  const tables: Array<{ report: Report; title: string }> = [];
  if (report.groupBy === "book") tables.push({ report, title: "By book" });
  else {
    if (bundle.books) tables.push({ report: bundle.books, title: "By book" });
    if (!TIME_GROUPS.has(report.groupBy) || report.groupBy !== bundle.timeline.groupBy) {
      tables.push({ report, title: groupTitle(report.groupBy) });
    }
  }
  const warningsHtml =
    report.warnings.length > 0
      ? `<h2 style="${FONT};font-size:15px;margin:20px 0 8px;color:#111827">Notes</h2><ul style="${FONT};font-size:12px;color:#92400e;padding-left:18px">${report.warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>`
      : "";
  const inner = [
    `<h1 style="${FONT};font-size:20px;margin:0 0 4px;color:#111827">Your book sales</h1>`,
    `<p style="${FONT};font-size:13px;margin:0 0 12px;color:#4b5563">${esc(periodText(report))} · ${esc(sources)}</p>`,
    options.notice
      ? `<p style="${FONT};font-size:13px;margin:0 0 12px;padding:8px 10px;border:1px solid #f59e0b;background:#fffbeb;color:#92400e"><strong>${esc(options.notice)}</strong></p>`
      : "",
    headlineCells(report),
    chart.html,
    ...tables.map((t) => htmlTable(t.report, t.title)),
    totalsHtml(report),
    warningsHtml,
    `<p style="${FONT};font-size:11px;color:#9ca3af;margin-top:24px">Sent by AuthorStack from your own computer. Figures marked “estimate” may change when KDP publishes final figures.</p>`,
  ]
    .filter(Boolean)
    .join("\n");
  const html = layout(subject, inner, headline(report));

  const text = `${[
    `Your book sales, ${periodText(report)} (${sources})`,
    options.notice ? `!! ${options.notice}` : "",
    headline(report),
    chart.text,
    ...tables.map((t) => textTable(t.report, t.title)),
    totalsText(report),
    report.warnings.length > 0 ? `Notes\n${report.warnings.map((w) => `  - ${w}`).join("\n")}` : "",
    "Sent by AuthorStack from your own computer.",
  ]
    .map((part) => part.trimEnd())
    .filter((part) => part !== "")
    .join("\n\n")}\n`;
  return { subject, html, text };
}

/** A short alert for a failed cron step: what failed, the message, and what to do. */
export function renderFailureAlert(input: {
  step: string;
  message: string;
  hint?: string;
  logPath: string;
  when: string;
}): RenderedEmail {
  const subject = `AuthorStack: the scheduled run failed at ${input.step}`;
  const fix = input.hint ? input.hint : "Run `authorstack run` by hand to see the error.";
  const text = `The scheduled AuthorStack run on ${input.when} failed at: ${input.step}

What happened:
  ${input.message}

What to do:
  ${fix.split("\n").join("\n  ")}

The run log is ${input.logPath}.
`;
  const inner = `<h1 style="${FONT};font-size:18px;margin:0 0 8px;color:#b91c1c">The scheduled run failed at ${esc(input.step)}</h1>
<p style="${FONT};font-size:13px;color:#4b5563;margin:0 0 12px">${esc(input.when)}</p>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse">
<tr><td style="${CELL};width:120px;color:#4b5563">What happened</td><td style="${CELL}">${esc(input.message)}</td></tr>
<tr><td style="${CELL};color:#4b5563">What to do</td><td style="${CELL}">${esc(fix).replace(/\n/g, "<br>")}</td></tr>
<tr><td style="${CELL};color:#4b5563">Run log</td><td style="${CELL}">${esc(input.logPath)}</td></tr>
</table>`;
  return { subject, html: layout(subject, inner, `${input.step}: ${input.message}`), text };
}
