/**
 * A compact trend line for the terminal table: one block character per value, scaled between the
 * smallest and the largest value (or from zero when every value is non-negative, so a flat series of
 * sales does not look like nothing). Values are display numbers (already converted from micro-units);
 * nothing here is summed.
 */
const BLOCKS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] as const;

export function sparkline(values: number[]): string {
  const finite = values.map((v) => (Number.isFinite(v) ? v : 0));
  if (finite.length === 0) return "";
  const max = Math.max(...finite);
  const min = Math.min(0, ...finite);
  const span = max - min;
  if (span === 0) return BLOCKS[0].repeat(finite.length);
  return finite
    .map((v) => {
      const index = Math.round(((v - min) / span) * (BLOCKS.length - 1));
      return BLOCKS[Math.min(BLOCKS.length - 1, Math.max(0, index))];
    })
    .join("");
}

/** The same, but at most `width` characters: longer series keep their most recent values. */
export function sparklineFit(values: number[], width: number): string {
  if (width <= 0) return "";
  return sparkline(values.length > width ? values.slice(values.length - width) : values);
}
