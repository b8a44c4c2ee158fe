import { describe, expect, it } from "vitest";
import { formatMicros, formatMicrosFixed, parseMicros } from "../src/util/money.js";

describe("exact money", () => {
  it("parses decimal text without floating point", () => {
    expect(parseMicros("6.31")).toBe(6_310_000);
    expect(parseMicros("-5.26")).toBe(-5_260_000);
    expect(parseMicros("506")).toBe(506_000_000);
    expect(parseMicros("581.02")).toBe(581_020_000);
    expect(parseMicros("1.0E-4")).toBe(100);
    expect(parseMicros("3.41291304E8")).toBe(341_291_304_000_000);
    expect(parseMicros("34.080000000000005")).toBe(34_080_000);
    expect(parseMicros(".5")).toBe(500_000);
    expect(parseMicros("-0.0")).toBe(0);
    for (const bad of ["", "-", "1,5", "abc", "1.2.3", "N/A"]) expect(parseMicros(bad)).toBeNull();
  });

  it("sums that floats get wrong stay exact", () => {
    const total = ["0.1", "0.2"].map((x) => parseMicros(x)!).reduce((a, b) => a + b, 0);
    expect(formatMicros(total)).toBe("0.3");
  });

  it("formats the shortest exact decimal, and fixed decimals for display", () => {
    expect(formatMicros(8_050_000)).toBe("8.05");
    expect(formatMicros(-5_260_000)).toBe("-5.26");
    expect(formatMicros(506_000_000)).toBe("506");
    expect(formatMicros(1)).toBe("0.000001");
    expect(formatMicrosFixed(506_000_000, 2)).toBe("506.00");
    expect(formatMicrosFixed(-5_265_000, 2)).toBe("-5.27");
    expect(formatMicrosFixed(-1_000, 2)).toBe("0.00");
  });
});
