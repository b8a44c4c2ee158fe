/**
 * `report --html FILE`: one standalone page (inline CSS and SVG; no scripts, fonts, images or links
 * to fetch) with the period's headline figures, a chart of royalties and units over time, the
 * per-book table, the table asked for with --by, per-currency totals, and the report's warnings.
 */
import { parseMicros } from "../util/money.js";
import {
  currenciesOf,
  formatAmount,
  formatCount,
  formatMoney,
  groupTitle,
  periodText,
  plotValue,
  primaryCurrency,
  type ReportBundle,
  rowAmount,
  timeRows,
} from "./present.js";
import { escapeXml as esc, renderChart } from "./svg-chart.js";
import { type Report, type ReportRow, TIME_GROUPS } from "./types.js";

export interface HtmlOptions {
  /** Shown in the footer when given (kept out by default so the page is a pure function of the data). */
  generatedAt?: string;
  version?: string;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#111827;font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:960px;margin:0 auto;padding:24px}
header h1{margin:0 0 4px;font-size:24px}
header p{margin:0;color:#4b5563}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:16px 20px;margin:16px 0}
h2{font-size:16px;margin:0 0 12px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{flex:1 1 180px;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px 16px}
.card .label{color:#6b7280;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:22px;font-weight:600;margin-top:4px;font-variant-numeric:tabular-nums}
.card .sub{color:#6b7280;font-size:12px}
table{border-collapse:collapse;width:100%}
th,td{padding:6px 8px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top}
th{font-size:12px;color:#4b5563;font-weight:600;background:#f9fafb}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tfoot td{font-weight:600;border-top:2px solid #d1d5db}
.chart{max-width:100%;height:auto;display:block}
.muted{color:#6b7280}
.status{font-size:11px;padding:1px 6px;border-radius:9px;background:#eef2ff;color:#3730a3}
.status.estimate{background:#fef3c7;color:#92400e}
.warnings li{color:#92400e}
footer{color:#6b7280;font-size:12px;text-align:center;margin:24px 0}
`;

function cards(report: Report): string {
  const t = report.totals;
  const out: string[] = [];
  for (const currency of currenciesOf(t.royalties)) {
    out.push(
      `<div class="card"><div class="label">Royalties ${esc(currency)}</div><div class="value">${esc(formatAmount(currency, t.royalties[currency]!))}</div><div class="sub">${esc(currency)}</div></div>`,
    );
  }
  if (currenciesOf(t.royalties).length === 0) {
    out.push(
      `<div class="card"><div class="label">Royalties</div><div class="value">0</div><div class="sub">no sales in this period</div></div>`,
    );
  }
  if (t.converted) {
    out.push(
      `<div class="card"><div class="label">Total in ${esc(t.converted.currency)} (estimate)</div><div class="value">≈ ${esc(formatAmount(t.converted.currency, t.converted.amount))}</div><div class="sub">rates: ${esc(t.converted.rates)}</div></div>`,
    );
  }
  out.push(
    `<div class="card"><div class="label">Units (net)</div><div class="value">${formatCount(t.units.net)}</div><div class="sub">${formatCount(t.units.sold)} sold · ${formatCount(t.units.refunded)} refunded · ${formatCount(t.units.free)} free</div></div>`,
  );
  out.push(
    `<div class="card"><div class="label">KENP pages read</div><div class="value">${formatCount(t.kenpPages)}</div><div class="sub">Kindle Unlimited</div></div>`,
  );
  return `<section class="cards" aria-label="Headline figures" style="background:none;border:0;padding:0">${out.join("\n")}</section>`;
}

function charts(bundle: ReportBundle): string {
  const rows = timeRows(bundle.timeline);
  if (rows.length === 0) {
    return `<section><h2>Royalties and units over time</h2><p class="muted">No sales in this period.</p></section>`;
  }
  const labels = rows.map((r) => r.label);
  const primary = primaryCurrency(bundle.timeline);
  const out: string[] = [];
  const converted = Boolean(bundle.timeline.currency);
  out.push(
    renderChart({
      title: `Royalties${primary ? ` (${primary}${converted ? ", converted estimate" : ""})` : ""} and net units, ${groupTitle(bundle.timeline.groupBy).toLowerCase()}`,
      labels,
      bars: {
        name: `Royalties${primary ? ` ${primary}` : ""}${converted ? " (est.)" : ""}`,
        values: rows.map((r) => (primary ? plotValue(rowAmount(r, primary)) : 0)),
      },
      line: { name: "Net units", values: rows.map((r) => r.units.net) },
    }),
  );
  if (!converted) {
    for (const currency of currenciesOf(bundle.timeline.totals.royalties)) {
      if (currency === primary) continue;
      out.push(
        renderChart({
          title: `Royalties ${currency}`,
          labels,
          bars: {
            name: `Royalties ${currency}`,
            values: rows.map((r) => plotValue(r.royalties[currency])),
            color: "#0d9488",
          },
          height: 200,
        }),
      );
    }
  }
  return `<section><h2>Royalties and units over time <span class="muted">(${esc(groupTitle(bundle.timeline.groupBy).toLowerCase())})</span></h2>\n${out.join("\n")}\n</section>`;
}

function royaltyCells(royalties: Record<string, string>, currencies: string[]): string {
  return currencies
    .map((c) => {
      const amount = royalties[c];
      return `<td class="num">${amount === undefined ? '<span class="muted">—</span>' : esc(formatAmount(c, amount))}</td>`;
    })
    .join("");
}

function table(report: Report, title: string): string {
  const currencies = currenciesOf(report.totals.royalties);
  const converted = report.currency;
  const head = [
    `<th>${esc(
      groupTitle(report.groupBy)
        .replace(/^By /, "")
        .replace(/^./, (c) => c.toUpperCase()),
    )}</th>`,
    '<th class="num">Sold</th><th class="num">Free</th><th class="num">Refunded</th><th class="num">Net</th><th class="num">KENP pages</th>',
    ...currencies.map((c) => `<th class="num">Royalties ${esc(c)}</th>`),
    converted ? `<th class="num">≈ ${esc(converted)}</th>` : "",
    "<th>Figures</th>",
  ].join("");
  const sorted = TIME_GROUPS.has(report.groupBy) ? timeRows(report) : report.rows;
  const body = sorted
    .map((row: ReportRow) =>
      [
        "<tr>",
        `<td>${esc(row.label)}</td>`,
        `<td class="num">${formatCount(row.units.sold)}</td><td class="num">${formatCount(row.units.free)}</td><td class="num">${formatCount(row.units.refunded)}</td><td class="num">${formatCount(row.units.net)}</td><td class="num">${formatCount(row.kenpPages)}</td>`,
        royaltyCells(row.royalties, currencies),
        converted
          ? `<td class="num">${row.converted ? esc(formatAmount(converted, row.converted.amount)) : "—"}</td>`
          : "",
        `<td><span class="status ${esc(row.status)}">${esc(row.status)}</span></td>`,
        "</tr>",
      ].join(""),
    )
    .join("\n");
  const t = report.totals;
  const foot = [
    "<tr><td>Total</td>",
    `<td class="num">${formatCount(t.units.sold)}</td><td class="num">${formatCount(t.units.free)}</td><td class="num">${formatCount(t.units.refunded)}</td><td class="num">${formatCount(t.units.net)}</td><td class="num">${formatCount(t.kenpPages)}</td>`,
    royaltyCells(t.royalties, currencies),
    converted
      ? `<td class="num">${t.converted ? esc(formatAmount(converted, t.converted.amount)) : "—"}</td>`
      : "",
    "<td></td></tr>",
  ].join("");
  const empty = report.rows.length === 0 ? `<p class="muted">No sales in this period.</p>` : "";
  return `<section><h2>${esc(title)}</h2>${empty}<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n<tfoot>${foot}</tfoot>\n</table></section>`;
}

function currencyTotals(report: Report): string {
  const t = report.totals;
  const currencies = currenciesOf(t.royalties);
  if (currencies.length === 0) return "";
  const rows = currencies
    .map((c) => {
      const amount = t.royalties[c]!;
      const negative = (parseMicros(amount) ?? 0) < 0;
      return `<tr><td>${esc(c)}</td><td class="num"${negative ? ' style="color:#dc2626"' : ""}>${esc(formatMoney(c, amount))}</td></tr>`;
    })
    .join("\n");
  const conv = t.converted
    ? `<p class="muted">All currencies converted to ${esc(t.converted.currency)}: ≈ ${esc(formatMoney(t.converted.currency, t.converted.amount))} (estimate; rates: ${esc(t.converted.rates)}).</p>`
    : "";
  return `<section><h2>Totals per currency</h2><table><thead><tr><th>Currency</th><th class="num">Royalties</th></tr></thead><tbody>\n${rows}\n</tbody></table>${conv}</section>`;
}

function warnings(report: Report): string {
  if (report.warnings.length === 0) return "";
  return `<section><h2>Notes</h2><ul class="warnings">${report.warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul></section>`;
}

export function renderHtmlReport(bundle: ReportBundle, options: HtmlOptions = {}): string {
  const { report } = bundle;
  const sources = report.sources.length > 0 ? report.sources.join(", ") : "all sources";
  const sections: string[] = [cards(report), charts(bundle)];
  if (report.groupBy === "book") sections.push(table(report, "By book"));
  else {
    if (bundle.books) sections.push(table(bundle.books, "By book"));
    sections.push(table(report, groupTitle(report.groupBy)));
  }
  sections.push(currencyTotals(report), warnings(report));
  const footer = [
    "AuthorStack",
    options.version ? `v${esc(options.version)}` : "",
    options.generatedAt ? `· generated ${esc(options.generatedAt)}` : "",
    "· figures marked “estimate” may change when KDP publishes final figures",
  ]
    .filter(Boolean)
    .join(" ");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>AuthorStack report ${esc(periodText(report))}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header><h1>Sales report</h1><p>${esc(periodText(report))} · ${esc(sources)}</p></header>
${sections.filter(Boolean).join("\n")}
<footer>${footer}</footer>
</main>
</body>
</html>
`;
}
