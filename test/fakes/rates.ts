/**
 * A loopback fake of the ECB's euro reference-rate downloads: `eurofxref-hist.zip` (a ZIP holding
 * `eurofxref-hist.csv`) and the daily `eurofxref.csv`, as the ECB publishes them (EUR base, one row
 * per TARGET working day, `N/A` where a currency was not quoted, a trailing comma on every line).
 * Faults: the first N requests answer 503, or every request drops the connection.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { zip } from "../helpers/xlsx-writer.mjs";

export interface EcbDay {
  date: string;
  rates: Record<string, string>;
}

export interface FakeEcbOptions {
  days: EcbDay[];
  failFirst?: number;
  dropConnections?: boolean;
}

export function ecbHistCsv(days: EcbDay[]): string {
  const currencies = [...new Set(days.flatMap((d) => Object.keys(d.rates)))].sort();
  const newestFirst = [...days].sort((a, b) => (a.date < b.date ? 1 : -1));
  const lines = [`Date,${currencies.join(",")},`];
  for (const day of newestFirst)
    lines.push(`${day.date},${currencies.map((c) => day.rates[c] ?? "N/A").join(",")},`);
  return `${lines.join("\n")}\n`;
}

export function ecbDailyCsv(day: EcbDay): string {
  const currencies = Object.keys(day.rates).sort();
  const [y, m, d] = day.date.split("-");
  const month = new Date(Date.UTC(Number(y), Number(m) - 1, 1)).toLocaleString("en-GB", {
    month: "long",
    timeZone: "UTC",
  });
  return `Date, ${currencies.join(", ")}, \n${Number(d)} ${month} ${y}, ${currencies.map((c) => day.rates[c]).join(", ")}, \n`;
}

export class FakeEcb {
  requests: string[] = [];
  private failuresLeft: number;
  constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: FakeEcbOptions,
  ) {
    this.failuresLeft = options.failFirst ?? 0;
  }

  static async start(options: FakeEcbOptions): Promise<FakeEcb> {
    let fake: FakeEcb | null = null;
    const server = createServer((req, res) => fake!.handle(req.url ?? "/", res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeEcb(server, `http://127.0.0.1:${port}`, options);
    return fake;
  }

  private handle(path: string, res: import("node:http").ServerResponse): void {
    this.requests.push(path);
    if (this.options.dropConnections) {
      res.socket?.destroy();
      return;
    }
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      res
        .writeHead(503, { "content-type": "text/html" })
        .end("<html><body>Service Unavailable</body></html>");
      return;
    }
    const csv = ecbHistCsv(this.options.days);
    if (path === "/stats/eurofxref/eurofxref-hist.zip") {
      res.writeHead(200, { "content-type": "application/zip" }).end(zip([["eurofxref-hist.csv", csv]]));
    } else if (path === "/stats/eurofxref/eurofxref-hist.csv") {
      res.writeHead(200, { "content-type": "text/csv" }).end(csv);
    } else if (path === "/stats/eurofxref/eurofxref.csv") {
      const newest = [...this.options.days].sort((a, b) => (a.date < b.date ? 1 : -1))[0]!;
      res.writeHead(200, { "content-type": "text/csv" }).end(ecbDailyCsv(newest));
    } else {
      res.writeHead(404, { "content-type": "text/html" }).end("<html><body>Not Found</body></html>");
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
