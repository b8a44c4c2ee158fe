import { UsageError } from "../errors.js";

/** Report periods: --from/--to (inclusive) or --last 7d|30d|12w|6m|1y|mtd|ytd; default the last 30 days. */
export interface Period {
  from: string;
  to: string;
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function parseDay(text: string, flag: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !date || isoDay(date) !== text) {
    throw new UsageError(`${flag} "${text}" is not a date`, {
      hint: `Use YYYY-MM-DD, e.g. ${flag} 2025-01-31.`,
    });
  }
  return text;
}

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return isoDay(d);
}

function addMonths(day: string, months: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), last));
  return isoDay(target);
}

export function resolvePeriod(options: { from?: string; to?: string; last?: string }, now: Date): Period {
  const today = isoDay(now);
  if (options.last && (options.from || options.to)) {
    throw new UsageError("--last cannot be combined with --from or --to");
  }
  if (options.from || options.to) {
    const to = options.to ? parseDay(options.to, "--to") : today;
    const from = options.from ? parseDay(options.from, "--from") : "0000-01-01";
    if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
    return { from, to };
  }
  const last = (options.last ?? "30d").toLowerCase();
  if (last === "mtd") return { from: `${today.slice(0, 7)}-01`, to: today };
  if (last === "ytd") return { from: `${today.slice(0, 4)}-01-01`, to: today };
  const m = /^(\d+)([dwmy])$/.exec(last);
  if (!m || Number(m[1]) < 1) {
    throw new UsageError(`--last "${options.last}" is not a period`, {
      hint: "Use e.g. 7d, 30d, 12w, 6m, 1y, mtd or ytd.",
    });
  }
  const n = Number(m[1]);
  const unit = m[2];
  const from =
    unit === "d"
      ? addDays(today, -(n - 1))
      : unit === "w"
        ? addDays(today, -(7 * n - 1))
        : unit === "m"
          ? addDays(addMonths(today, -n), 1)
          : addDays(addMonths(today, -12 * n), 1);
  return { from, to: today };
}

/** ISO 8601 week key of a day, e.g. "2025-W03". */
export function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - weekday + 3);
  const year = d.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const week =
    1 +
    Math.round(
      ((d.getTime() - firstThursday.getTime()) / 86_400_000 - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7,
    );
  return `${year}-W${String(week).padStart(2, "0")}`;
}

const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

export function monthLabel(month: string): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}

export function monthEnd(month: string): string {
  const d = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0));
  return isoDay(d);
}
