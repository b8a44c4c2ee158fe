// Writes a large Combined Sales sheet as CSV (the layout KDP's dashboard export has, re-saved).

import { once } from "node:events";
import { createWriteStream } from "node:fs";

const HEADER =
  "Royalty Date,Title,Author Name,ASIN/ISBN,Marketplace,Royalty Type,Transaction Type,Units Sold,Units Refunded,Net Units Sold,Avg. List Price without tax,Avg. Offer Price without tax,Avg. Delivery/Manufacturing cost,Royalty,Currency";
const MARKETS = [
  ["Amazon.com", "USD"],
  ["Amazon.de", "EUR"],
  ["Amazon.co.uk", "GBP"],
  ["Amazon.co.jp", "JPY"],
  ["Amazon.fr", "EUR"],
];

export async function generateCombinedCsv(path, rows) {
  const out = createWriteStream(path);
  out.write(`${HEADER}\n`);
  let chunk = "";
  for (let i = 0; i < rows; i++) {
    const month = `20${20 + (i % 6)}-${String(1 + (i % 12)).padStart(2, "0")}`;
    const [market, currency] = MARKETS[i % MARKETS.length];
    const book = i % 50;
    const print = i % 3 === 0;
    const units = 1 + (i % 4);
    const refunded = i % 17 === 0 ? 1 : 0;
    const royalty = ((units - refunded) * (print ? 584 : 349)) / 100;
    chunk += print
      ? `${month},"Book ${book}: A Generated Title",Bench Author,97980000${String(book).padStart(5, "0")},${market},60%,Standard - Paperback,${units},${refunded},${units - refunded},14.99,14.99,3.15,${royalty.toFixed(2)},${currency}\n`
      : `${month},"Book ${book}: A Generated Title",Bench Author,B0BENCH${String(book).padStart(3, "0")},${market},70%,Standard,${units},${refunded},${units - refunded},4.99,4.99,0.09,${royalty.toFixed(2)},${currency}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
}
