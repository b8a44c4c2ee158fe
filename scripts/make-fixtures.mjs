#!/usr/bin/env node
// Regenerates the made-up KDP-format fixtures in fixtures/: the bundled sample (fixtures/sample/) and
// the importer golden-test inputs (fixtures/kdp/). Titles, authors and figures are invented; the layouts
// follow ../shared/reference/kdp-formats.md (headers, sheet order, N/A cells, text dates, POI quirks).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeWorkbook } from "../test/helpers/xlsx-writer.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const sample = join(root, "fixtures", "sample");
const kdp = join(root, "fixtures", "kdp");
mkdirSync(sample, { recursive: true });
mkdirSync(kdp, { recursive: true });

const LIGHTHOUSE = "The Lighthouse Keeper's Daughter: A Novel";
const GARDENS = "Small Gardens: Growing Food on a Balcony";
const OBSERVATORY = "Midnight at the Observatory";
const AUTHOR = "Mara Quillfeather";

const EN = {
  definitions: ["Report", "Definition"],
  summary: ["Date", "Paid Units Sold (eBook)", "Free Units Sold (eBook)", "Net Units Sold (Paperback)", "Net Units Sold (Hardcover)", "KOLL Borrows", "Kindle Edition Normalized Page (KENP) Read", "Royalty (USD)", "Royalty (GBP)", "Royalty (EUR)", "Royalty (JPY)", "Royalty (CAD)", "Royalty (INR)", "Royalty (PLN)", "Royalty (SEK)", "Royalty (BRL)", "Royalty (MXN)", "Royalty (AUD)"],
  combined: ["Royalty Date", "Title", "Author Name", "ASIN/ISBN", "Marketplace", "Royalty Type", "Transaction Type", "Units Sold", "Units Refunded", "Net Units Sold", "Avg. List Price without tax", "Avg. Offer Price without tax", "Avg. Delivery/Manufacturing cost", "Royalty", "Currency"],
  ebook: ["Royalty Date", "Title", "Author Name", "ASIN", "Marketplace", "Royalty Type", "Transaction Type", "Units Sold", "Units Refunded", "Net Units Sold", "Avg. List Price without tax", "Avg. Offer Price without tax", "Avg. File Size (MB)", "Avg. Delivery Cost", "Royalty", "Currency"],
  print: ["Royalty Date", "Order Date", "Title", "Author Name", "ISBN", "Marketplace", "Royalty Type", "Transaction Type", "Units Sold", "Units Refunded", "Net Units Sold", "Avg. List Price without tax", "Avg. Offer Price without tax", "Avg. Manufacturing Cost", "Royalty", "Currency", "ASIN"],
  orders: ["Date", "Title", "Author Name", "ASIN", "Marketplace", "Paid Units", "Free Units"],
  kenp: ["Date", "Title", "Author Name", "ASIN", "Marketplace", "Kindle Edition Normalized Page (KENP) Read"],
};

// eBook rows: [month, title, asin, marketplace, royaltyType, txType, sold, refunded, list, offer, size, delivery, royalty, currency]
const ebookRows = [
  ["2025-09", LIGHTHOUSE, "B0SAMPLE01", "Amazon.com", "70%", "Standard", 12, 1, 4.99, 4.99, 0.62, 0.09, 37.86, "USD"],
  ["2025-09", LIGHTHOUSE, "B0SAMPLE01", "Amazon.de", "70%", "Standard", 4, 0, 4.67, 4.67, 0.62, 0.09, 12.83, "EUR"],
  ["2025-09", OBSERVATORY, "B0SAMPLE03", "Amazon.com", "70%", "Free - Promotion", 25, 0, 2.99, 0.0, 0.41, 0.06, 0.0, "USD"],
  ["2025-09", OBSERVATORY, "B0SAMPLE03", "Amazon.co.jp", "35%", "Standard", 2, 0, 500.0, 500.0, "N/A", "N/A", 350.0, "JPY"],
  ["2025-10", LIGHTHOUSE, "B0SAMPLE01", "Amazon.com", "70%", "Standard", 9, 0, 4.99, 4.99, 0.62, 0.09, 30.25, "USD"],
  ["2025-10", LIGHTHOUSE, "B0SAMPLE01", "Amazon.co.uk", "70%", "Kindle Countdown Deals", 3, 0, 3.99, 0.99, 0.62, 0.07, 1.87, "GBP"],
  ["2025-10", LIGHTHOUSE, "B0SAMPLE01", "Amazon.fr", "70%", "Standard", 0, 1, 4.67, 4.67, 0.62, 0.09, -3.21, "EUR"],
  ["2025-11", OBSERVATORY, "B0SAMPLE03", "Amazon.com", "35%", "Standard", 6, 0, 0.99, 0.99, "N/A", "N/A", 2.08, "USD"],
  ["2025-11", LIGHTHOUSE, "B0SAMPLE01", "Amazon.com", "70%", "Standard", 7, 0, 4.99, 4.99, 0.62, 0.09, 23.83, "USD"],
];
// print rows: [month, title, isbn, marketplace, txType, sold, refunded, list, offer, cost, royalty, currency, asin]
const paperbackRows = [
  ["2025-09", GARDENS, "9798000000017", "Amazon.com", "Standard - Paperback", 1, 0, 14.99, 14.99, 3.15, 5.84, "USD", "B0SAMPLE2P"],
  ["2025-09", GARDENS, "9798000000017", "Amazon.com", "Standard - Paperback", 1, 0, 14.99, 14.99, 3.15, 5.84, "USD", "B0SAMPLE2P"],
  ["2025-10", GARDENS, "9798000000017", "Amazon.de", "Standard - Paperback", 2, 0, 13.5, 13.5, 2.9, 5.2, "EUR", "B0SAMPLE2P"],
  ["2025-10", LIGHTHOUSE, "9798000000024", "Amazon.com", "Expanded Distribution Channels", 1, 0, 12.99, 12.99, 3.6, 1.6, "USD", "B0SAMPLE1P"],
  ["2025-11", GARDENS, "9798000000017", "Amazon.co.uk", "Standard - Paperback", 1, 0, 11.99, 11.99, 2.85, 4.34, "GBP", "B0SAMPLE2P"],
];
const hardcoverRows = [["2025-11", LIGHTHOUSE, "9798000000031", "Amazon.com", "Standard - Hardcover", 1, 0, 24.99, 24.99, 7.1, 7.89, "USD", "B0SAMPLE1H"]];
const kenpRows = [
  ["2025-09-01", LIGHTHOUSE, "B0SAMPLE01", "Amazon.com", 1520],
  ["2025-09-01", OBSERVATORY, "B0SAMPLE03", "Amazon.de", 310],
  ["2025-10-01", LIGHTHOUSE, "B0SAMPLE01", "Amazon.com", 2045],
  ["2025-11-01", LIGHTHOUSE, "B0SAMPLE01", "Amazon.com", 880],
];

const ebookSheet = ebookRows.map(([m, t, asin, mp, rt, tx, s, r, l, o, size, d, roy, c]) => [m, t, AUTHOR, asin, mp, rt, tx, s, r, s - r, l, o, size, d, roy, c]);
const printSheet = (rows) => rows.map(([m, t, isbn, mp, tx, s, r, l, o, cost, roy, c, asin]) => [m, m, t, AUTHOR, isbn, mp, tx.startsWith("Expanded") ? "40%" : "60%", tx, s, r, s - r, l, o, cost, roy, c, asin]);
const combinedSheet = [
  ...ebookRows.map(([m, t, asin, mp, rt, tx, s, r, l, o, , d, roy, c]) => [m, t, AUTHOR, asin, mp, rt, tx, s, r, s - r, l, o, d, roy, c]),
  ...[...paperbackRows, ...hardcoverRows].map(([m, t, isbn, mp, tx, s, r, l, o, cost, roy, c]) => [m, t, AUTHOR, isbn, mp, tx.startsWith("Expanded") ? "40%" : "60%", tx, s, r, s - r, l, o, cost, roy, c]),
];

function summaryRows(months) {
  const labels = { "2025-09": "September 2025", "2025-10": "October 2025", "2025-11": "November 2025" };
  const order = ["USD", "GBP", "EUR", "JPY", "CAD", "INR", "PLN", "SEK", "BRL", "MXN", "AUD"];
  return [...months].reverse().map((month) => {
    const eb = ebookRows.filter((r) => r[0] === month);
    const paid = eb.filter((r) => !r[5].startsWith("Free")).reduce((a, r) => a + r[6] - r[7], 0);
    const free = eb.filter((r) => r[5].startsWith("Free")).reduce((a, r) => a + r[6], 0);
    const pb = paperbackRows.filter((r) => r[0] === month).reduce((a, r) => a + r[5] - r[6], 0);
    const hc = hardcoverRows.filter((r) => r[0] === month).reduce((a, r) => a + r[5] - r[6], 0);
    const kenp = kenpRows.filter((r) => r[0].startsWith(month)).reduce((a, r) => a + r[4], 0);
    const cents = Object.fromEntries(order.map((c) => [c, 0]));
    for (const r of eb) cents[r[13]] += Math.round(r[12] * 100);
    for (const r of [...paperbackRows, ...hardcoverRows].filter((x) => x[0] === month)) cents[r[11]] += Math.round(r[10] * 100);
    return [labels[month], paid, free, pb, hc, "N/A", kenp, ...order.map((c) => cents[c] / 100)];
  });
}

const definitions = [
  EN.definitions,
  ["Summary", "The total orders, KENP Read and estimate royalties (across marketplaces) for the date range selected for this download summed up by month."],
  ["Combined Sales", "Includes all your estimate royalties from processed orders."],
];

function dashboard(path, created) {
  writeWorkbook(
    path,
    [
      ["Report Definitions", definitions],
      ["Summary", [EN.summary, ...summaryRows(["2025-09", "2025-10", "2025-11"])]],
      ["Combined Sales", [EN.combined, ...combinedSheet]],
      ["eBook Royalty", [EN.ebook, ...ebookSheet]],
      ["Paperback Royalty", [EN.print, ...printSheet(paperbackRows)]],
      ["Hardcover Royalty", [EN.print, ...printSheet(hardcoverRows)]],
      ["Orders Processed", [EN.orders, ["2025-11", LIGHTHOUSE, AUTHOR, "B0SAMPLE01", "Amazon.com", 7, 0]]],
      ["eBook Orders Placed", [EN.orders]],
      ["KENP Read", [EN.kenp, ...kenpRows.map(([d, t, asin, mp, p]) => [d, t, AUTHOR, asin, mp, p])]],
    ],
    { created },
  );
}

// --- the bundled sample: a dashboard export (Sep–Nov 2025) and the final statement for September ---
dashboard(join(sample, "KDP_Royalties_Estimator-sample.xlsx"), "2025-12-02T09:15:00Z");

const PRIOR = {
  ebook: ["Title", "Author", "ASIN", "Marketplace", "Units Sold", "Units Refunded", "Net Units Sold", "Royalty Type", "Transaction Type", "Currency", "Avg. List Price without tax", "Avg. Offer Price without tax", "Avg. File Size (MB)", "Avg. Delivery Cost", "Royalty"],
  kenp: ["Title", "Author", "ASIN", "Marketplace", "Kindle Edition Normalized Page (KENP) Read", "Royalty", "Currency"],
  print: ["Title", "Author", "ISBN", "Marketplace", "Units Sold", "Units Refunded", "Royalty Type", "Avg. List Price without tax", "Avg. Offer Price without tax", "Avg. Manufacturing Cost", "Royalty", "Currency", "ASIN"],
  total: ["Title", "Author", "ASIN/ISBN", "Marketplace", "Units Sold", "Units Refunded", "Net Units Sold or KENP Read**", "Royalty Type", "Payout Plan", "Currency", "Avg. List Price without tax", "Avg. Offer Price without tax", "Avg. File Size (MB)", "Avg. Delivery/Manufacturing cost", "Earnings"],
};
const preamble = ["Sales Period", "September 2025"];
writeWorkbook(
  join(sample, "KDP_Prior_Month_Royalties-2025-09-01-sample.xlsx"),
  [
    ["eBook Royalty", [preamble, PRIOR.ebook,
      [LIGHTHOUSE, AUTHOR, "B0SAMPLE01", "Amazon.com", 13, 1, 12, "70%", "Standard", "USD", 4.99, 4.99, 0.62, 0.09, 41.35],
      [LIGHTHOUSE, AUTHOR, "B0SAMPLE01", "Amazon.de", 4, 0, 4, "70%", "Standard", "EUR", 4.67, 4.67, 0.62, 0.09, 12.83],
      [OBSERVATORY, AUTHOR, "B0SAMPLE03", "Amazon.com", 25, 0, 25, "70%", "Free - Promotion", "USD", 2.99, 0.0, 0.41, 0.06, 0.0],
      [OBSERVATORY, AUTHOR, "B0SAMPLE03", "Amazon.co.jp", 2, 0, 2, "35%", "Standard", "JPY", 500.0, 500.0, "N/A", "N/A", 350.0]]],
    ["KENP Read", [preamble, PRIOR.kenp,
      [LIGHTHOUSE, AUTHOR, "B0SAMPLE01", "Amazon.com", 1534, 6.44, "USD"],
      [OBSERVATORY, AUTHOR, "B0SAMPLE03", "Amazon.de", 310, 1.21, "EUR"]]],
    ["Paperback Royalty", [preamble, PRIOR.print,
      [GARDENS, AUTHOR, "9798000000017", "Amazon.com", 2, 0, "60%", 14.99, 14.99, 3.15, 11.68, "USD", "B0SAMPLE2P"]]],
    ["Hardcover Royalty", [preamble, PRIOR.print]],
    ["Total Earnings", [preamble, PRIOR.total,
      [LIGHTHOUSE, AUTHOR, "B0SAMPLE01", "Amazon.com", 13, 1, 12, "70%", "Standard", "USD", 4.99, 4.99, 0.62, 0.09, 41.35],
      [LIGHTHOUSE, AUTHOR, "B0SAMPLE01", "Amazon.de", 4, 0, 4, "70%", "Standard", "EUR", 4.67, 4.67, 0.62, 0.09, 12.83],
      [OBSERVATORY, AUTHOR, "B0SAMPLE03", "Amazon.com", 25, 0, 25, "70%", "Free - Promotion", "USD", 2.99, 0.0, 0.41, 0.06, 0.0],
      [OBSERVATORY, AUTHOR, "B0SAMPLE03", "Amazon.co.jp", 2, 0, 2, "35%", "Standard", "JPY", 500.0, 500.0, "N/A", "N/A", 350.0],
      [LIGHTHOUSE, AUTHOR, "B0SAMPLE01", "Amazon.com", "N/A", "N/A", 1534, "N/A", "Kindle Edition Normalized Page (KENP) Read", "USD", "N/A", "N/A", "N/A", "N/A", 6.44],
      [OBSERVATORY, AUTHOR, "B0SAMPLE03", "Amazon.de", "N/A", "N/A", 310, "N/A", "Kindle Edition Normalized Page (KENP) Read", "EUR", "N/A", "N/A", "N/A", "N/A", 1.21],
      [GARDENS, AUTHOR, "9798000000017", "Amazon.com", 2, 0, 2, "60%", "Standard - Paperback", "USD", 14.99, 14.99, "N/A", 3.15, 11.68]]],
  ],
  { created: "2025-12-02T09:16:00Z" },
);

// A Combined Sales sheet re-saved from a German/Spanish-locale spreadsheet: semicolons, decimal
// commas, euro signs, Windows-1252. It holds December 2025, which the workbooks do not.
function cp1252(text) {
  const map = { "€": 0x80, "é": 0xe9, "á": 0xe1, "í": 0xed, "ó": 0xf3, "ñ": 0xf1, "ü": 0xfc };
  return Buffer.from([...text].map((ch) => map[ch] ?? ch.charCodeAt(0)));
}
const decimal = (n) => String(n).replace(".", ",");
const csvLines = [
  EN.combined.join(";"),
  ["2025-12", LIGHTHOUSE, AUTHOR, "B0SAMPLE01", "Amazon.es", "70%", "Standard", 3, 0, 3, "4,67 €", "4,67 €", "0,09", "9,62 €", "EUR"].join(";"),
  ["2025-12", OBSERVATORY, AUTHOR, "B0SAMPLE03", "Amazon.com", "35%", "Standard", 4, 0, 4, decimal(0.99), decimal(0.99), "N/A", decimal(1.39), "USD"].join(";"),
  ["2025-12", GARDENS, AUTHOR, "9798000000017", "Amazon.com", "60%", "Standard - Paperback", 2, 0, 2, decimal(14.99), decimal(14.99), decimal(3.15), decimal(11.68), "USD"].join(";"),
];
writeFileSync(join(sample, "combined-sales-december.csv"), cp1252(`${csvLines.join("\r\n")}\r\n`));

// --- golden-test inputs --------------------------------------------------------------------------
dashboard(join(kdp, "dashboard-en.xlsx"), "2025-12-02T09:15:00Z");

const ES = {
  combined: ["Fecha de las regalías", "Título", "Nombre del autor", "ASIN/ISBN", "Tienda", "Tipo de regalía", "Tipo de transacción", "Unidades vendidas", "Unidades devueltas", "Unidades netas vendidas", "Precio de lista medio sin impuestos", "Precio de oferta medio sin impuestos", "Gasto medio de entrega/producción", "Regalías", "Moneda"],
  ebook: ["Fecha de las regalías", "Título", "Nombre del autor", "ASIN", "Tienda", "Tipo de regalía", "Tipo de transacción", "Unidades vendidas", "Unidades devueltas", "Unidades netas vendidas", "Precio de lista medio sin impuestos", "Precio de oferta medio sin impuestos", "Tamaño medio del archivo (MB)", "Gasto medio de envío", "Regalías", "Moneda"],
  print: ["Fecha de las regalías", "Fecha de pedido", "Título", "Nombre del autor", "ISBN", "Tienda", "Tipo de regalía", "Tipo de transacción", "Unidades vendidas", "Unidades devueltas", "Unidades netas vendidas", "Precio de lista medio sin impuestos", "Precio de oferta medio sin impuestos", "Gasto de producción medio", "Regalías", "Moneda", "ASIN"],
  kenp: ["Fecha", "Título", "Nombre del autor", "ASIN", "Tienda", "Páginas KENP leídas"],
  summary: ["Fecha", "Unidades netas vendidas (eBook)", "Unidades gratuitas vendidas (eBook)", "Unidades netas vendidas (Tapa blanda)", "Unidades netas vendidas (tapa dura)", "Préstamos de KOLL", "Páginas KENP leídas", "Regalías (USD)", "Regalías (EUR)"],
};
const FARO = "El faro del norte: Una novela";
const AUTORA = "Lucía Barrenechea";
writeWorkbook(
  join(kdp, "dashboard-es.xlsx"),
  [
    ["Definiciones del informe", [["Informar", "Definición"], ["Resumen", "El total de pedidos…"]]],
    ["Resumen", [ES.summary, ["octubre 2025", 3, 10, 1, 1, "N/A", 900, 10.35, 0], ["septiembre 2025", -1, 0, 0, 0, "N/A", 0, 0, -2.62]]],
    ["Ventas combinadas", [ES.combined]],
    ["Regalías de eBooks", [ES.ebook,
      ["2025-10", FARO, AUTORA, "B0FAROES01", "Amazon.com", "70%", "Kindle Countdown Deals", 1, 0, 1, 3.99, 0.99, 0.45, 0.31, 0.66, "USD"],
      ["2025-10", FARO, AUTORA, "B0FAROES01", "Amazon.com", "70%", "Estándar", 2, 0, 2, 3.99, 3.99, 0.45, 0.31, 2.75, "USD"],
      ["2025-10", FARO, AUTORA, "B0FAROES01", "Amazon.es", "70%", "Promoción gratuita", 10, 0, 10, 3.8, 0.0, 0.45, 0.31, 0.0, "EUR"],
      ["2025-09", FARO, AUTORA, "B0FAROES01", "Amazon.es", "70%", "Estándar", 0, 1, -1, 3.8, 3.8, 0.45, 0.06, -2.62, "EUR"]]],
    ["Regalías de libros impresos", [ES.print,
      ["2025-10", "2025-10", FARO, AUTORA, "9798290000018", "Amazon.com", "60%", "Estándar - Tapa blanda", 1, 0, 1, 19.0, 19.0, 4.28, 7.12, "USD", "B0FAROPB01"]]],
    ["Regalías de los libros de tapa ", [ES.print,
      ["2025-10", "2025-10", FARO, AUTORA, "9798290000025", "Amazon.com", "40%", "Expanded Distribution Channels", 1, 0, 1, 29.0, 29.0, 8.1, -0.18, "USD", "B0FAROHC01"]]],
    ["Pedidos procesados", [["Fecha", "Título", "Nombre del autor", "ASIN", "Tienda", "Unidades pagadas", "Unidades gratuitas"]]],
    ["Pedidos completados de eBooks", [["Fecha", "Título", "Nombre del autor", "ASIN", "Tienda", "Unidades pagadas", "Unidades gratuitas"]]],
    ["KENP leídas", [ES.kenp, ["2025-10-01", FARO, AUTORA, "B0FAROES01", "Amazon.es", 900]]],
  ],
  { created: "2025-10-28T08:00:00Z" },
);

writeWorkbook(join(kdp, "prior-month-en.xlsx"), [
  ["eBook Royalty", [preamble, PRIOR.ebook, [LIGHTHOUSE, AUTHOR, "B0SAMPLE01", "Amazon.com", 13, 1, 12, "70%", "Standard", "USD", 4.99, 4.99, 0.62, 0.09, 41.35]]],
  ["KENP Read", [preamble, PRIOR.kenp, [LIGHTHOUSE, AUTHOR, "B0SAMPLE01", "Amazon.com", 1534, 6.44, "USD"]]],
  ["Paperback Royalty", [preamble, PRIOR.print]],
  ["Hardcover Royalty", [preamble, PRIOR.print]],
  ["Total Earnings", [preamble, PRIOR.total]],
], { created: "2025-12-02T09:16:00Z" });

const PAY = ["Sales Period - Start Date", "Sales Period - End Date", "Marketplace", "Payment Number", "Detail", "Date", "Payment Method", "Currency", "Accrued Royalty", "Tax Withholding", "Adjustments", "Net Earnings", "Source", "FX Rate", "Currency", "Payout Amount", "Payment Status"];
writeWorkbook(join(kdp, "payments-en.xlsx"), [
  ["Payments", [PAY,
    ["2025-09-01", "2025-09-30", "Amazon.co.jp", { n: "3.41291304E8" }, null, "2025-11-29", "EFT", "JPY", 350.0, 0.0, 0.0, 350.0, null, "0.0058", "EUR", 2.03, "Paid"],
    [null, null, null, null, "2025-09", null, null, "JPY", 350.0, 0.0, null, 350.0, "Sales"],
    ["2025-09-01", "2025-09-30", "Amazon.de", { n: "1.0000065860717E14" }, null, "2025-11-29", "EFT", "EUR", 14.04, 0.0, 0.0, 14.04, null, "", "EUR", 14.04, "Paid"],
    [null, null, null, null, "2025-09", null, null, "EUR", 12.83, 0.0, null, 12.83, "Sales"],
    [null, null, null, null, "2025-09", null, null, "EUR", 1.21, 0.0, null, 1.21, "KENP Royalties"]]],
], { created: "2025-12-02T09:17:00Z" });

// A Japanese-interface Prior Months' Royalties workbook (eBook-only account: two sheets, as seen in
// public parsers), and the newer dashboard "KENP" sheet with eBook/Audiobook/Audible ASIN columns.
const JA_PREAMBLE = ["販売期間", "8月 2026"];
writeWorkbook(
  join(kdp, "prior-month-ja.xlsx"),
  [
    ["電子書籍のロイヤリティ", [JA_PREAMBLE,
      ["タイトル", "著者", "ASIN", "マーケットプレイス", "注文数", "払い戻し数", "実質注文数", "ロイヤリティの種類", "コンテンツ区分", "通貨", "平均希望小売価格 (税別)", "平均販売価格 (税別)", "平均ファイルサイズ（MB）", "平均配信コスト", "ロイヤリティ"],
      ["星降る町の図書館: 短編集", "山田 花子", "B0JAPAN001", "Amazon.co.jp", 3, 0, 3, "70%", "Standard", "JPY", 500.0, 500.0, 1.2, 3.0, 1047.9]]],
    ["既読 KENPC", [JA_PREAMBLE,
      ["タイトル", "著者", "ASIN", "マーケットプレイス", "既読 KENP (Kindle Edition Normalized Pages)", "ロイヤリティ", "通貨"],
      ["星降る町の図書館: 短編集", "山田 花子", "B0JAPAN001", "Amazon.co.jp", 812, 392.5, "JPY"]]],
  ],
  { created: "2026-09-16T03:00:00Z" },
);
writeWorkbook(
  join(kdp, "dashboard-kenp-sheet.xlsx"),
  [
    ["Combined Sales", [EN.combined, ["2026-01", LIGHTHOUSE, AUTHOR, "B0SAMPLE01", "Amazon.com", "70%", "Standard", 2, 0, 2, 4.99, 4.99, 0.09, 6.86, "USD"]]],
    ["KENP", [["Date", "Title", "Author Name", "eBook ASIN", "Audiobook ASIN", "Audible ASIN", "Marketplace", "KENP"],
      ["2026-01-01", LIGHTHOUSE, AUTHOR, "B0SAMPLE01", "N/A", "N/A", "Amazon.com", 640],
      ["2026-02-01", LIGHTHOUSE, AUTHOR, "B0SAMPLE01", "N/A", "N/A", "Amazon.com", 210]]],
  ],
  { created: "2026-02-03T10:00:00Z" },
);

// KENP Read sheet saved as UTF-8 CSV with a BOM; an eBook Royalty sheet saved as UTF-16 TSV.
const kenpCsv = [EN.kenp.join(","), ...kenpRows.map(([d, t, asin, mp, p]) => [d, `"${t}"`, AUTHOR, asin, mp, `${p}.0`].join(","))];
writeFileSync(join(kdp, "kenp-read-bom.csv"), `\ufeff${kenpCsv.join("\n")}\n`, "utf8");
const tsv = [EN.ebook.join("\t"), ...ebookSheet.slice(0, 4).map((r) => r.join("\t"))].join("\r\n");
writeFileSync(join(kdp, "ebook-royalty-utf16.tsv"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${tsv}\r\n`, "utf16le")]));
writeFileSync(join(kdp, "combined-sales-semicolon-cp1252.csv"), cp1252(`${csvLines.join("\r\n")}\r\n`));

console.log("fixtures written to fixtures/sample and fixtures/kdp");
