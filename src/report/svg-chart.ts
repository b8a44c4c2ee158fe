/**
 * A small, dependency-free SVG chart: bars (royalties in one currency) and an optional line with dots
 * (units) on a second axis, for the standalone HTML report. Pure: numbers in, markup out.
 */
export interface ChartInput {
  labels: string[];
  bars: { name: string; values: number[]; color?: string };
  line?: { name: string; values: number[]; color?: string };
  title: string;
  width?: number;
  height?: number;
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function niceStep(range: number, ticks: number): number {
  if (range <= 0) return 1;
  const raw = range / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

export interface Scale {
  min: number;
  max: number;
  step: number;
}

export function niceScale(values: number[], ticks = 4, integer = false): Scale {
  const hi = Math.max(0, ...values);
  const lo = Math.min(0, ...values);
  let step = niceStep(hi - lo, ticks);
  if (integer) step = Math.max(1, Math.ceil(step));
  const max = hi === 0 && lo === 0 ? step * ticks : Math.ceil(hi / step) * step;
  const min = Math.floor(lo / step) * step;
  return { min, max: max === min ? min + step : max, step };
}

function tickText(value: number, step: number): string {
  const decimals = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step)));
  const text = value.toFixed(decimals);
  const [whole = "0", frac] = text.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac ? `${grouped}.${frac}` : grouped;
}

export function renderChart(input: ChartInput): string {
  const width = input.width ?? 760;
  const height = input.height ?? 300;
  const margin = { top: 36, right: input.line ? 56 : 20, bottom: 52, left: 72 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const n = Math.max(1, input.labels.length);
  const barColor = input.bars.color ?? "#4f46e5";
  const lineColor = input.line?.color ?? "#f59e0b";

  const left = niceScale(input.bars.values);
  const right = input.line ? niceScale(input.line.values, 4, true) : null;
  const yLeft = (v: number) => margin.top + plotH - ((v - left.min) / (left.max - left.min)) * plotH;
  const yRight = (v: number) =>
    right ? margin.top + plotH - ((v - right.min) / (right.max - right.min)) * plotH : 0;
  const slot = plotW / n;
  const barW = Math.max(1, Math.min(48, slot * 0.7));
  const xCenter = (i: number) => margin.left + slot * i + slot / 2;
  const f = (v: number) => (Math.round(v * 10) / 10).toString();

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-label="${escapeXml(input.title)}">`,
  );
  parts.push(`<title>${escapeXml(input.title)}</title>`);
  // Grid and left axis labels.
  for (let v = left.min; v <= left.max + left.step / 1e6; v += left.step) {
    const y = f(yLeft(v));
    parts.push(
      `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y}" y2="${y}" stroke="${v === 0 ? "#9ca3af" : "#e5e7eb"}" stroke-width="1"/>`,
    );
    parts.push(
      `<text x="${margin.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11" fill="#4b5563">${tickText(v, left.step)}</text>`,
    );
  }
  if (right) {
    for (let v = right.min; v <= right.max + right.step / 1e6; v += right.step) {
      parts.push(
        `<text x="${margin.left + plotW + 8}" y="${f(yRight(v))}" dominant-baseline="middle" font-size="11" fill="${lineColor}">${tickText(v, right.step)}</text>`,
      );
    }
  }
  // Bars.
  const zeroY = yLeft(0);
  input.bars.values.forEach((value, i) => {
    const y = yLeft(value);
    const top = Math.min(y, zeroY);
    const h = Math.abs(zeroY - y);
    if (h === 0) return;
    parts.push(
      `<rect class="bar" x="${f(xCenter(i) - barW / 2)}" y="${f(top)}" width="${f(barW)}" height="${f(Math.max(h, 0.5))}" fill="${value < 0 ? "#dc2626" : barColor}"><title>${escapeXml(`${input.labels[i] ?? ""}: ${input.bars.name} ${value}`)}</title></rect>`,
    );
  });
  // Line.
  if (input.line && right) {
    const points = input.line.values.map((v, i) => `${f(xCenter(i))},${f(yRight(v))}`);
    if (points.length > 1) {
      parts.push(
        `<polyline class="line" fill="none" stroke="${lineColor}" stroke-width="2" points="${points.join(" ")}"/>`,
      );
    }
    input.line.values.forEach((v, i) => {
      parts.push(
        `<circle cx="${f(xCenter(i))}" cy="${f(yRight(v))}" r="3" fill="${lineColor}"><title>${escapeXml(`${input.labels[i] ?? ""}: ${v} ${input.line!.name}`)}</title></circle>`,
      );
    });
  }
  // X labels: at most ~12, evenly spaced.
  const every = Math.max(1, Math.ceil(n / 12));
  input.labels.forEach((label, i) => {
    if (i % every !== 0 && i !== n - 1) return;
    parts.push(
      `<text x="${f(xCenter(i))}" y="${margin.top + plotH + 18}" text-anchor="middle" font-size="11" fill="#4b5563">${escapeXml(label)}</text>`,
    );
  });
  // Legend.
  parts.push(
    `<rect x="${margin.left}" y="10" width="12" height="12" fill="${barColor}"/><text x="${margin.left + 18}" y="20" font-size="12" fill="#111827">${escapeXml(input.bars.name)}</text>`,
  );
  if (input.line) {
    const lx = margin.left + 30 + input.bars.name.length * 7;
    parts.push(
      `<line x1="${lx}" x2="${lx + 16}" y1="16" y2="16" stroke="${lineColor}" stroke-width="2"/><circle cx="${lx + 8}" cy="16" r="3" fill="${lineColor}"/><text x="${lx + 22}" y="20" font-size="12" fill="#111827">${escapeXml(input.line.name)}</text>`,
    );
  }
  parts.push(
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#9ca3af"/>`,
  );
  parts.push("</svg>");
  return parts.join("\n");
}
