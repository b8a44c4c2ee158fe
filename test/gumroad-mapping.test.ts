import { describe, expect, it } from "vitest";
import {
  type GumroadSale,
  mapSale,
  parseFormattedAmount,
  partialRefundCents,
} from "../src/sources/gumroad/mapping.js";
import { FakeGumroad } from "./fakes/gumroad.js";

const base: GumroadSale = {
  id: "h3Kq9vXb2LmN0pQrStUvWw==",
  created_at: "2024-03-14T23:30:12Z",
  product_name: "Watercolor Brush Pack",
  product_id: "Xy7_Qa3nVb9kLm2PqRs4tA==",
  product_permalink: "wcbrush",
  price: 1900,
  gumroad_fee: 240,
  formatted_display_price: "$19",
  formatted_total_price: "$19",
  currency_symbol: "$",
  amount_refundable_in_currency: "19",
  refunded: false,
  partially_refunded: false,
  chargedback: false,
  paid: true,
  disputed: false,
  dispute_won: false,
  quantity: 1,
};

describe("mapSale", () => {
  it("maps a paid sale: UTC day, product, price − fee in USD micros", () => {
    const r = mapSale(base);
    expect(r).toMatchObject({
      source: "gumroad",
      externalId: base.id,
      status: "final",
      granularity: "day",
      date: "2024-03-14",
      format: "digital",
      productId: "Xy7_Qa3nVb9kLm2PqRs4tA==",
      title: "Watercolor Brush Pack",
      unitsSold: 1,
      unitsFree: 0,
      unitsRefunded: 0,
      royaltyMicros: 16_600_000,
      currency: "USD",
      transactionType: "sale",
    });
    expect(r.extra).toMatchObject({
      priceCents: 1900,
      feeCents: 240,
      refunded: false,
      listedCurrency: "USD",
    });
  });

  it("uses the UTC day even when the seller's daystamp is another day", () => {
    const r = mapSale({ ...base, created_at: "2024-03-15T02:10:00Z", daystamp: "14 Mar 2024 10:10 PM" });
    expect(r.date).toBe("2024-03-15");
  });

  it("counts quantity as units and the price is the whole purchase", () => {
    const r = mapSale({ ...base, quantity: 3, price: 3000, gumroad_fee: 350 });
    expect(r.unitsSold).toBe(3);
    expect(r.royaltyMicros).toBe(26_500_000);
  });

  it("a free sale (price 0, refunded key absent) counts free units and earns 0", () => {
    const { refunded: _r, ...rest } = base;
    const r = mapSale({ ...rest, price: 0, gumroad_fee: 0, paid: false, amount_refundable_in_currency: "0" });
    expect(r).toMatchObject({
      unitsFree: 1,
      unitsSold: 0,
      unitsRefunded: 0,
      royaltyMicros: 0,
      transactionType: "free",
    });
  });

  it("a fully refunded sale earns 0 and counts its units as refunded", () => {
    const r = mapSale({
      ...base,
      refunded: true,
      amount_refundable_in_currency: "0",
      quantity: 2,
      price: 3800,
    });
    expect(r).toMatchObject({ unitsSold: 2, unitsRefunded: 2, royaltyMicros: 0, transactionType: "refund" });
    expect(r.extra).toMatchObject({ refunded: true, refundedCents: 3800 });
  });

  it("a chargeback not won is a refund; a won dispute earns normally", () => {
    const lost = mapSale({ ...base, disputed: true, chargedback: true, dispute_won: false });
    expect(lost).toMatchObject({ unitsRefunded: 1, royaltyMicros: 0, transactionType: "chargeback" });
    expect(lost.extra).toMatchObject({ chargedback: true, disputed: true, disputeWon: false });
    const won = mapSale({ ...base, disputed: true, chargedback: false, dispute_won: true });
    expect(won).toMatchObject({ unitsRefunded: 0, royaltyMicros: 16_600_000, transactionType: "sale" });
    // older payloads without `chargedback`: disputed and not won counts as charged back
    const { chargedback: _c, ...noFlag } = base;
    expect(mapSale({ ...noFlag, disputed: true }).unitsRefunded).toBe(1);
  });

  it("a partial refund of a USD listing reduces the royalty by the refunded cents", () => {
    const r = mapSale({ ...base, partially_refunded: true, amount_refundable_in_currency: "14.50" });
    // refunded 4.50 of 19 → 450 cents
    expect(r.royaltyMicros).toBe((1900 - 240 - 450) * 10_000);
    expect(r.transactionType).toBe("partial_refund");
    expect(r.extra).toMatchObject({ partiallyRefunded: true, refundedCents: 450 });
  });

  it("a partial refund of an EUR listing takes the refunded share of the USD price", () => {
    // listed €12.99 → price 1412 USD cents; €3.25 refunded → round(1412 × 325/1299) = 353.27 → 353
    const sale = {
      ...base,
      price: 1412,
      gumroad_fee: 191,
      formatted_total_price: "€12.99",
      currency_symbol: "€",
      amount_refundable_in_currency: "9.74",
      partially_refunded: true,
    };
    expect(partialRefundCents(sale)).toBe(353);
    expect(mapSale(sale).royaltyMicros).toBe((1412 - 191 - 353) * 10_000);
    expect(mapSale(sale).extra).toMatchObject({ listedCurrency: "EUR" });
  });

  it("a partial refund of a JPY listing (no minor units, thousands separators)", () => {
    // ¥1,500 → 1000 USD cents; ¥600 refunded → 400 cents
    const sale = {
      ...base,
      price: 1000,
      gumroad_fee: 150,
      formatted_total_price: "¥1,500",
      currency_symbol: "¥",
      amount_refundable_in_currency: "900",
      partially_refunded: true,
    };
    expect(partialRefundCents(sale)).toBe(400);
  });

  it("prefers the 2026 buyer_presentment refunded_cents share when present", () => {
    const sale = {
      ...base,
      partially_refunded: true,
      buyer_presentment: { total_cents: 2600, refunded_cents: 650 },
    };
    expect(partialRefundCents(sale)).toBe(475);
  });

  it("ignores unknown keys and tolerates absent optional keys", () => {
    const r = mapSale({
      id: "a",
      created_at: "2025-01-01T00:00:00Z",
      price: 500,
      gumroad_fee: 100,
      invoice_url: "x",
    });
    expect(r).toMatchObject({ unitsSold: 1, royaltyMicros: 4_000_000, title: null, productId: null });
  });

  it("rejects a sale without id or with an unreadable date", () => {
    expect(() => mapSale({ ...base, id: "" })).toThrow(/id/);
    expect(() => mapSale({ ...base, created_at: "yesterday" })).toThrow(/created_at/);
  });

  it("parses Gumroad's formatted amounts", () => {
    expect(parseFormattedAmount("€1,234.50")).toBe(1_234_500_000);
    expect(parseFormattedAmount("$10 a month")).toBe(10_000_000);
    expect(parseFormattedAmount("0")).toBe(0);
    expect(parseFormattedAmount("")).toBeNull();
  });

  it("agrees with the fake's own expected totals on every generated sale", () => {
    const fake = new FakeGumroad({ sales: 3000, seed: 7 });
    let royalty = 0;
    let sold = 0;
    let free = 0;
    let refunded = 0;
    for (const sale of fake.sales) {
      const r = mapSale(fake.saleJson(sale) as GumroadSale);
      royalty += r.royaltyMicros;
      sold += r.unitsSold;
      free += r.unitsFree;
      refunded += r.unitsRefunded;
    }
    const expected = fake.expected();
    expect({ sold, free, refunded }).toEqual({
      sold: expected.units.sold,
      free: expected.units.free,
      refunded: expected.units.refunded,
    });
    expect(royalty).toBe(expected.royaltyCents * 10_000);
    // the generated data really has every case
    expect(fake.sales.some((s) => s.refundedListedMinor > 0 && s.product.currency === "jpy")).toBe(true);
    expect(fake.sales.some((s) => s.refundedListedMinor > 0 && s.product.currency === "eur")).toBe(true);
    expect(fake.sales.some((s) => s.disputed && s.disputeWon)).toBe(true);
    expect(fake.sales.some((s) => s.disputed && !s.disputeWon)).toBe(true);
  });
});
