/**
 * The report as computed by src/report/ and printed by --json (the CLI contract's shape).
 * Money is an exact decimal string per original currency ("8.05", "506", "-5.26").
 */
export type GroupBy =
  | "month"
  | "week"
  | "day"
  | "year"
  | "book"
  | "product"
  | "source"
  | "marketplace"
  | "format"
  | "currency";

export const GROUP_BY_VALUES: readonly GroupBy[] = [
  "month",
  "week",
  "day",
  "year",
  "book",
  "product",
  "source",
  "marketplace",
  "format",
  "currency",
];

/** Groupings whose rows are periods of time. */
export const TIME_GROUPS: ReadonlySet<GroupBy> = new Set<GroupBy>(["day", "week", "month", "year"]);

export interface Units {
  sold: number;
  free: number;
  refunded: number;
  net: number;
}

export interface ConvertedAmount {
  currency: string;
  amount: string;
  rates: string;
}

export interface ReportRow {
  key: string;
  label: string;
  units: Units;
  kenpPages: number;
  royalties: Record<string, string>;
  converted: ConvertedAmount | null;
  /** "final", "estimate", or "mixed" when the row holds both (e.g. a year of KDP months). */
  status: "final" | "estimate" | "mixed";
  /**
   * Net units per month of the period, oldest first: the row's trend when rows are not already
   * periods (--by book, product, source, marketplace, format, currency). Absent otherwise.
   */
  trend?: { by: "month"; months: string[]; netUnits: number[] };
}

export interface ReportTotals {
  units: Units;
  kenpPages: number;
  royalties: Record<string, string>;
  converted: ConvertedAmount | null;
}

export interface Report {
  period: { from: string; to: string };
  groupBy: GroupBy;
  currency: string | null;
  sources: string[];
  rows: ReportRow[];
  totals: ReportTotals;
  warnings: string[];
}
