import { describe, expect, it } from "vitest";
import { appendEncodedSale, decodeSale, emptyRecord, SALE_FIELD_COUNT, SALE_FIELDS } from "../src/model.js";

describe("encoded sale records", () => {
  it("round-trip every field in SALE_FIELDS order", () => {
    const record = emptyRecord({
      source: "kdp",
      status: "final",
      date: "2025-01",
      granularity: "month",
      format: "ebook",
    });
    // A distinct value per field, so that a field written out of order cannot go unnoticed.
    SALE_FIELDS.forEach((field, i) => {
      (record as unknown as Record<string, unknown>)[field] = `value-${i}`;
    });
    const values: unknown[] = ["something before"];
    appendEncodedSale(values, record);
    expect(values).toHaveLength(1 + SALE_FIELD_COUNT);
    expect(values.slice(1)).toEqual(SALE_FIELDS.map((_, i) => `value-${i}`));
    expect(decodeSale(values, 1)).toEqual(record);
  });
});
