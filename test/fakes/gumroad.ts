/**
 * A loopback fake of Gumroad's OAuth (Doorkeeper 5.7.1) and API v2, written from
 * shared/reference/gumroad-api.md (§10 checklist). Self-contained on purpose (node: imports only)
 * so that bench/sync-bench.js can transpile and run it without a TypeScript loader.
 *
 * OAuth: GET /oauth/authorize (client, loopback redirect with the port ignored, scope subset,
 * PKCE S256/plain; auto-approves, or shows a consent page, or denies), POST /oauth/token (form or
 * JSON, single-use codes that expire after 10 minutes, PKCE check, refresh rotation),
 * POST /oauth/revoke.
 * API: /v2/user, /v2/sales (and /api/v2/...) with real keyset pagination (10 per page, newest first,
 * `page_key` cursor, next_page_url with sorted query), filters with the server's 400 messages,
 * omitted nil keys, 401 with an empty body and WWW-Authenticate, 403 for a missing scope.
 * Faults: 429 "Retry later\n" (no Retry-After) every Nth API request, 5xx, dropped connections,
 * latency. Seeded with generated sales (refunded, partially refunded, free, charged back, won
 * disputes, EUR/JPY listings); `expected()` gives its own totals.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ListedCurrency = "usd" | "eur" | "jpy";

export interface FakeProduct {
  id: string;
  name: string;
  permalink: string;
  currency: ListedCurrency;
  /** Unit price in minor units of the listed currency (JPY: whole yen). */
  unitListedMinor: number;
}

export interface FakeSale {
  /** Internal numeric id (monotonic with created_at), used in page keys. */
  intId: number;
  id: string;
  createdAt: Date;
  product: FakeProduct;
  quantity: number;
  /** USD cents for the whole purchase. */
  priceCents: number;
  feeCents: number;
  totalListedMinor: number;
  refundedListedMinor: number;
  refunded: boolean;
  disputed: boolean;
  disputeWon: boolean;
  email: string;
  orderId: number;
  fullName?: string;
  country?: string;
}

export interface FakeFaults {
  /** Every Nth API request (1-based count over /v2 requests) answers 429 "Retry later". */
  rateLimitEvery?: number;
  /** API request numbers whose connection is dropped without an answer. */
  dropAt?: number[];
  /** API request numbers answered with HTTP 502. */
  serverErrorAt?: number[];
  /** Every API request answers 503 (a Gumroad outage). */
  outage?: boolean;
  /** Delay before every answer. */
  latencyMs?: number;
}

export interface RequestLogEntry {
  n: number;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface FakeGumroadOptions {
  sales?: number;
  seed?: number;
  /** Time of the newest generated sale (default: one hour ago). */
  end?: Date;
  /** Span of the generated sales in days (default 730). */
  days?: number;
  clientId?: string;
  /** When set, the app is confidential and the token endpoint requires it. */
  clientSecret?: string;
  redirectUri?: string;
  appScopes?: string[];
  /** Show an HTML consent page with Authorize/Deny buttons instead of auto-approving. */
  consentPage?: boolean;
  faults?: FakeFaults;
}

export interface ExpectedSale {
  date: string;
  productId: string;
  sold: number;
  free: number;
  refunded: number;
  royaltyCents: number;
}

export interface ExpectedTotals {
  count: number;
  units: { sold: number; free: number; refunded: number; net: number };
  royaltyCents: number;
  /** As the report prints it: exact decimal string. */
  royalties: { USD: string };
}

interface Grant {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  challenge?: string;
  method?: string;
  expiresAt: number;
  used: boolean;
}

interface TokenInfo {
  scopes: string[];
  revoked: boolean;
  refreshToken: string;
}

const RATES: Record<ListedCurrency, number> = { usd: 1, eur: 0.92, jpy: 150 };
const SYMBOLS: Record<ListedCurrency, string> = { usd: "$", eur: "€", jpy: "¥" };

export const FAKE_USER = {
  name: "Ada Lind",
  email: "ada@example.com",
  id: "4829301746512",
  user_id: "kT3xZ0pQ9mN2bV7cL1aR5w==",
  url: "https://ada.gumroad.com",
};

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function obfuscatedId(rand: () => number): string {
  const bytes = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) bytes[i] = Math.floor(rand() * 256);
  return bytes.toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}

function listedToUsdCents(currency: ListedCurrency, minor: number): number {
  if (currency === "usd") return minor;
  if (currency === "eur") return Math.round(minor / RATES.eur);
  return Math.round((minor * 100) / RATES.jpy);
}

/** Major units without symbol, like amount_refundable_in_currency: "10", "4.50", "1380". */
function majorUnits(currency: ListedCurrency, minor: number): string {
  if (currency === "jpy") return String(minor);
  const whole = Math.floor(minor / 100);
  const cents = minor % 100;
  return cents === 0 ? String(whole) : `${whole}.${String(cents).padStart(2, "0")}`;
}

function formatted(currency: ListedCurrency, minor: number): string {
  const text = majorUnits(currency, minor);
  const [whole, frac] = text.split(".");
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${SYMBOLS[currency]}${grouped}${frac ? `.${frac}` : ""}`;
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function pageKeyTime(d: Date): string {
  return `${isoSeconds(d).replace(/[-:TZ]/g, "")}000000`;
}

/** The refunded part in USD cents: the refunded share of the listed total, rounded half up. */
function refundedUsdCents(sale: FakeSale): number {
  if (sale.refundedListedMinor === 0) return 0;
  const p = BigInt(sale.priceCents);
  const part = BigInt(sale.refundedListedMinor);
  const whole = BigInt(sale.totalListedMinor);
  return Number((p * part * 2n + whole) / (whole * 2n));
}

function centsToDecimal(cents: number): string {
  const negative = cents < 0;
  const abs = Math.abs(cents);
  const text = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`
    .replace(/\.00$/, "")
    .replace(/(\.\d)0$/, "$1");
  return negative ? `-${text}` : text;
}

export class FakeGumroad {
  readonly sales: FakeSale[] = [];
  readonly products: FakeProduct[];
  readonly requests: RequestLogEntry[] = [];
  faults: FakeFaults;
  denyAuthorize = false;
  consentPage: boolean;
  clientId: string;
  clientSecret: string | undefined;
  redirectUri: string;
  appScopes: string[];
  /** Called for every request after it is answered (tests use it to time a kill). */
  onRequest: ((entry: RequestLogEntry) => void) | null = null;
  private readonly tokens = new Map<string, TokenInfo>();
  private readonly grants = new Map<string, Grant>();
  private readonly rand: () => number;
  private apiCount = 0;
  private nextIntId = 1_000_003;
  private server: Server | null = null;
  url = "";

  constructor(options: FakeGumroadOptions = {}) {
    this.rand = prng(options.seed ?? 42);
    this.faults = { ...options.faults };
    this.consentPage = options.consentPage ?? false;
    this.clientId = options.clientId ?? "fake_client_id_0123456789";
    this.clientSecret = options.clientSecret;
    this.redirectUri = options.redirectUri ?? "http://127.0.0.1/callback";
    this.appScopes = options.appScopes ?? [
      "edit_products",
      "view_sales",
      "mark_sales_as_shipped",
      "view_profile",
    ];
    const r = this.rand;
    this.products = [
      { name: "The Lighthouse Keeper (EPUB)", currency: "usd", unitListedMinor: 999 },
      { name: "The Lighthouse Keeper: Signed PDF Bundle", currency: "usd", unitListedMinor: 2499 },
      { name: "Winter Poems", currency: "eur", unitListedMinor: 700 },
      { name: "Der Leuchtturmwärter", currency: "eur", unitListedMinor: 1299 },
      { name: "Kaiju Sketchbook", currency: "jpy", unitListedMinor: 1500 },
      { name: "Tokyo Nights", currency: "jpy", unitListedMinor: 800 },
      { name: "Free Sampler", currency: "usd", unitListedMinor: 0 },
      { name: "Writing Craft Workshop", currency: "usd", unitListedMinor: 4900 },
    ].map((p, i) => ({
      ...p,
      id: obfuscatedId(r),
      permalink: `p${i}x${Math.floor(r() * 1e4)}`,
    })) as FakeProduct[];
    const count = options.sales ?? 0;
    const end = options.end ?? new Date(Date.now() - 3600_000);
    const spanMs = (options.days ?? 730) * 86_400_000;
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(Math.floor((end.getTime() - r() * spanMs) / 1000) * 1000);
    times.sort((a, b) => a - b);
    for (const t of times) this.sales.push(this.generateSale(new Date(t)));
  }

  private generateSale(createdAt: Date): FakeSale {
    const r = this.rand;
    const product = this.products[Math.floor(r() * this.products.length)]!;
    const quantity = r() < 0.05 ? 2 + Math.floor(r() * 2) : 1;
    const totalListedMinor = product.unitListedMinor * quantity;
    const priceCents = listedToUsdCents(product.currency, totalListedMinor);
    const free = priceCents === 0;
    const feeCents = free ? 0 : Math.round(priceCents * 0.1) + 50;
    const sale: FakeSale = {
      intId: this.nextIntId,
      id: obfuscatedId(r),
      createdAt,
      product,
      quantity,
      priceCents,
      feeCents,
      totalListedMinor,
      refundedListedMinor: 0,
      refunded: false,
      disputed: false,
      disputeWon: false,
      email: `reader${this.nextIntId % 100000}@example.org`,
      orderId: 600_000_000 + Math.floor(r() * 300_000_000),
    };
    this.nextIntId += 1 + Math.floor(r() * 5);
    if (r() < 0.7) sale.fullName = "Sam Reader";
    if (r() < 0.8) sale.country = ["United States", "Germany", "Japan", "Canada"][Math.floor(r() * 4)]!;
    if (!free) {
      const roll = r();
      if (roll < 0.04) sale.refunded = true;
      else if (roll < 0.07) {
        const share = 0.1 + r() * 0.8;
        sale.refundedListedMinor = Math.max(
          1,
          Math.min(totalListedMinor - 1, Math.round(totalListedMinor * share)),
        );
      } else if (roll < 0.085) {
        sale.disputed = true;
        sale.disputeWon = r() < 0.34;
      }
    }
    return sale;
  }

  /** Adds n new sales, newest at `at` (default now), spaced a minute apart. */
  addSales(n: number, at: Date = new Date()): FakeSale[] {
    const added: FakeSale[] = [];
    for (let i = n - 1; i >= 0; i--) {
      const sale = this.generateSale(new Date(Math.floor(at.getTime() / 1000) * 1000 - i * 60_000));
      this.sales.push(sale);
      added.push(sale);
    }
    return added;
  }

  /** Refunds a sale fully, or partially by an amount in minor units of the listed currency. */
  refund(id: string, partialListedMinor?: number): FakeSale {
    const sale = this.sales.find((s) => s.id === id);
    if (!sale) throw new Error(`no sale ${id}`);
    if (
      partialListedMinor === undefined ||
      partialListedMinor + sale.refundedListedMinor >= sale.totalListedMinor
    ) {
      sale.refunded = true;
      sale.refundedListedMinor = 0;
    } else {
      sale.refundedListedMinor += partialListedMinor;
    }
    return sale;
  }

  issueToken(scopes: string[] = ["view_sales", "view_profile"]): string {
    const token = `gumroad_test_${randomBytes(24).toString("hex")}`;
    this.tokens.set(token, {
      scopes,
      revoked: false,
      refreshToken: `gumroad_test_refresh_${randomBytes(24).toString("hex")}`,
    });
    return token;
  }

  revokeToken(token: string): void {
    const info = this.tokens.get(token);
    if (info) info.revoked = true;
  }

  tokenInfo(token: string): TokenInfo | undefined {
    return this.tokens.get(token);
  }

  get apiRequests(): RequestLogEntry[] {
    return this.requests.filter((r) => r.path.includes("/v2/"));
  }

  /** One sale as the database should hold it: its UTC day, product, units and royalty in USD cents. */
  expectedSale(s: FakeSale): ExpectedSale {
    const base = { date: s.createdAt.toISOString().slice(0, 10), productId: s.product.id };
    if (s.priceCents === 0) return { ...base, sold: 0, free: s.quantity, refunded: 0, royaltyCents: 0 };
    if (s.refunded || (s.disputed && !s.disputeWon))
      return { ...base, sold: s.quantity, free: 0, refunded: s.quantity, royaltyCents: 0 };
    const royaltyCents = s.priceCents - s.feeCents - refundedUsdCents(s);
    return { ...base, sold: s.quantity, free: 0, refunded: 0, royaltyCents };
  }

  /** The fake's own totals (optionally for UTC days from..to inclusive), as the report should show them. */
  expected(filter: { from?: string; to?: string } = {}): ExpectedTotals {
    let sold = 0;
    let free = 0;
    let refunded = 0;
    let royaltyCents = 0;
    let count = 0;
    for (const s of this.sales) {
      const e = this.expectedSale(s);
      if (filter.from && e.date < filter.from) continue;
      if (filter.to && e.date > filter.to) continue;
      count++;
      sold += e.sold;
      free += e.free;
      refunded += e.refunded;
      royaltyCents += e.royaltyCents;
    }
    return {
      count,
      units: { sold, free, refunded, net: sold - refunded },
      royaltyCents,
      royalties: { USD: centsToDecimal(royaltyCents) },
    };
  }

  saleJson(s: FakeSale): Record<string, unknown> {
    const free = s.priceCents === 0;
    const chargedback = s.disputed && !s.disputeWon;
    const refundable = s.refunded || free ? 0 : s.totalListedMinor - s.refundedListedMinor;
    const ageDays = Math.max(0, Math.floor((Date.now() - s.createdAt.getTime()) / 86_400_000));
    const day = s.createdAt;
    const hour12 = ((day.getUTCHours() + 11) % 12) + 1;
    const json: Record<string, unknown> = {
      id: s.id,
      email: s.email,
      seller_id: "pZ8rT2wQ5nB1xC7vM4kL0g==",
      timestamp: ageDays === 0 ? "about 1 hour ago" : `${ageDays} days ago`,
      daystamp: `${String(day.getUTCDate()).padStart(2, " ")} ${day.toUTCString().slice(8, 11)} ${day.getUTCFullYear()} ${String(hour12).padStart(2, " ")}:${String(day.getUTCMinutes()).padStart(2, "0")} ${day.getUTCHours() < 12 ? "AM" : "PM"}`,
      created_at: isoSeconds(s.createdAt),
      product_name: s.product.name,
      product_has_variants: false,
      price: s.priceCents,
      gumroad_fee: s.feeCents,
      is_bundle_purchase: false,
      is_bundle_product_purchase: false,
      formatted_display_price: formatted(s.product.currency, s.product.unitListedMinor),
      formatted_total_price: formatted(s.product.currency, s.totalListedMinor),
      currency_symbol: SYMBOLS[s.product.currency],
      amount_refundable_in_currency: majorUnits(s.product.currency, refundable),
      product_id: s.product.id,
      product_permalink: s.product.permalink,
      // nil for free purchases: the key is omitted below
      refunded: free ? null : s.refunded,
      partially_refunded: !s.refunded && s.refundedListedMinor > 0,
      chargedback,
      purchase_email: s.email,
      full_name: s.fullName ?? null,
      country: s.country ?? null,
      paid: !free,
      has_variants: false,
      variants_and_quantity: s.quantity > 1 ? `(Qty: ${s.quantity})` : "",
      has_custom_fields: false,
      custom_fields: {},
      order_id: s.orderId,
      is_product_physical: false,
      purchaser_id: s.intId % 3 === 0 ? null : String(5_530_311_507_811 + s.intId),
      is_recurring_billing: false,
      can_contact: true,
      is_following: false,
      disputed: s.disputed,
      dispute_won: s.disputeWon,
      is_additional_contribution: false,
      discover_fee_charged: false,
      is_upgrade_purchase: false,
      is_more_like_this_recommended: false,
      is_gift_sender_purchase: false,
      is_gift_receiver_purchase: false,
      paypal_refund_expired: false,
      referrer: s.intId % 2 === 0 ? "direct" : null,
      card: {
        visual: free ? null : "**** **** **** 4242",
        type: free ? null : "visa",
        bin: null,
        expiry_month: null,
        expiry_year: null,
      },
      product_rating: null,
      quantity: s.quantity,
    };
    // Purchase#as_json: `.delete_if { |_, v| v.nil? }` on the top-level keys (card/product_rating kept).
    for (const [k, v] of Object.entries(json)) if (v === null && k !== "product_rating") delete json[k];
    return json;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const query = Object.fromEntries(url.searchParams.entries());
    const body = await readBody(req);
    const path = url.pathname.replace(/^\/api\/v2\//, "/v2/").replace(/\.json$/, "");
    const isApi = path.startsWith("/v2/");
    const n = isApi ? ++this.apiCount : 0;
    const entry: RequestLogEntry = { n, method: req.method ?? "GET", path, query, status: 0 };
    this.requests.push(entry);
    const send = (status: number, headers: Record<string, string>, text: string): void => {
      entry.status = status;
      res.writeHead(status, headers);
      res.end(text);
      this.onRequest?.(entry);
    };
    if (this.faults.latencyMs) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
    if (isApi) {
      if (this.faults.dropAt?.includes(n)) {
        entry.status = -1;
        req.socket.destroy();
        this.onRequest?.(entry);
        return;
      }
      if (this.faults.outage || this.faults.serverErrorAt?.includes(n)) {
        send(
          this.faults.outage ? 503 : 502,
          { "content-type": "text/html" },
          "<html><body>Bad gateway</body></html>",
        );
        return;
      }
      if (this.faults.rateLimitEvery && n % this.faults.rateLimitEvery === 0) {
        send(429, { "content-type": "text/plain" }, "Retry later\n");
        return;
      }
    }
    if (
      path === "/oauth/authorize" &&
      (req.method === "GET" || req.method === "POST" || req.method === "DELETE")
    ) {
      const params = req.method === "GET" ? query : { ...query, ...parseBody(req, body) };
      this.authorize(req.method, params, send);
      return;
    }
    if (path === "/oauth/token" && req.method === "POST") {
      this.token(req, parseBody(req, body), send);
      return;
    }
    if (path === "/oauth/revoke" && req.method === "POST") {
      const params = parseBody(req, body);
      if (params.token) this.revokeToken(params.token);
      send(200, { "content-type": "application/json; charset=utf-8" }, "{}");
      return;
    }
    if (isApi) {
      this.api(req, path, url, query, { ...parseBody(req, body) }, send);
      return;
    }
    send(404, { "content-type": "text/html" }, "<html><body>Not found</body></html>");
  }

  // ---- OAuth ----

  private authorize(
    method: string,
    params: Record<string, string>,
    send: (status: number, headers: Record<string, string>, text: string) => void,
  ): void {
    const html = (status: number, message: string) =>
      send(
        status,
        { "content-type": "text/html; charset=utf-8" },
        `<html><body><h1>An error has occurred</h1><p>${message}</p></body></html>`,
      );
    if (params.client_id !== this.clientId) {
      html(
        401,
        "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
      );
      return;
    }
    const redirect = params.redirect_uri ?? "";
    if (!redirectMatches(this.redirectUri, redirect)) {
      html(400, "The requested redirect uri is malformed or doesn't match client redirect URI.");
      return;
    }
    const scopes = (params.scope ?? "").split(" ").filter(Boolean);
    if (scopes.length === 0 || !scopes.every((s) => this.appScopes.includes(s))) {
      html(400, "The requested scope is invalid, unknown, or malformed.");
      return;
    }
    if ((params.response_type || "code") !== "code") {
      html(400, "The authorization server does not support this response type.");
      return;
    }
    if (params.code_challenge && !["S256", "plain", undefined, ""].includes(params.code_challenge_method)) {
      html(400, "The code challenge method must be plain or S256.");
      return;
    }
    const target = new URL(redirect);
    const deny = this.denyAuthorize || method === "DELETE" || params._action === "deny";
    if (this.consentPage && method === "GET") {
      const hidden = [
        "client_id",
        "redirect_uri",
        "state",
        "response_type",
        "scope",
        "code_challenge",
        "code_challenge_method",
      ]
        .filter((k) => params[k] !== undefined)
        .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(params[k]!)}">`)
        .join("");
      send(
        200,
        { "content-type": "text/html; charset=utf-8" },
        `<!doctype html><html><body><h1>Authorize application?</h1><p>AuthorStack would like to: ${escapeHtml(scopes.join(", "))}</p>
<form method="post" action="/oauth/authorize">${hidden}<button type="submit" name="_action" value="approve">Authorize</button>
<button type="submit" name="_action" value="deny">Deny</button></form></body></html>`,
      );
      return;
    }
    if (deny) {
      target.searchParams.set("error", "access_denied");
      target.searchParams.set(
        "error_description",
        "The resource owner or authorization server denied the request.",
      );
    } else {
      const code = randomBytes(32).toString("base64url");
      this.grants.set(code, {
        clientId: this.clientId,
        redirectUri: redirect,
        scopes,
        challenge: params.code_challenge || undefined,
        method: params.code_challenge ? params.code_challenge_method || "plain" : undefined,
        expiresAt: Date.now() + 10 * 60_000,
        used: false,
      });
      target.searchParams.set("code", code);
    }
    if (params.state !== undefined) target.searchParams.set("state", params.state);
    send(
      302,
      { location: target.toString(), "content-type": "text/html" },
      "<html><body>You are being redirected.</body></html>",
    );
  }

  private token(
    req: IncomingMessage,
    params: Record<string, string>,
    send: (status: number, headers: Record<string, string>, text: string) => void,
  ): unknown {
    const json = (status: number, value: unknown, extra: Record<string, string> = {}) =>
      send(
        status,
        {
          "content-type": "application/json; charset=utf-8",
          "cache-control": "no-store, no-cache",
          ...extra,
        },
        JSON.stringify(value),
      );
    const oauthError = (status: number, error: string, description: string) =>
      json(
        status,
        { error, error_description: description },
        status === 401
          ? {
              "www-authenticate": `Bearer realm="Doorkeeper", error="${error}", error_description="${description}"`,
            }
          : {},
      );
    let clientId = params.client_id;
    let secret = params.client_secret;
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? "");
    if (basic) {
      const [id, pw] = Buffer.from(basic[1]!, "base64").toString("utf8").split(":");
      clientId = decodeURIComponent(id ?? "");
      secret = decodeURIComponent(pw ?? "");
    }
    const invalidClient = () =>
      oauthError(
        401,
        "invalid_client",
        "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
      );
    if (clientId !== this.clientId) return invalidClient();
    if (secret !== undefined && secret !== this.clientSecret) return invalidClient();
    if (this.clientSecret !== undefined && secret === undefined) return invalidClient();
    const invalidGrant = () =>
      oauthError(
        400,
        "invalid_grant",
        "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
      );
    const grantType = params.grant_type || "authorization_code";
    if (grantType === "refresh_token") {
      if (!params.refresh_token)
        return oauthError(400, "invalid_request", "Missing required parameter: refresh_token.");
      const entry = [...this.tokens.entries()].find(
        ([, info]) => info.refreshToken === params.refresh_token && !info.revoked,
      );
      if (!entry) return invalidGrant();
      entry[1].revoked = true;
      const token = this.issueToken(entry[1].scopes);
      const info = this.tokens.get(token)!;
      return json(200, {
        access_token: token,
        token_type: "Bearer",
        refresh_token: info.refreshToken,
        scope: info.scopes.join(" "),
        created_at: Math.floor(Date.now() / 1000),
      });
    }
    if (grantType !== "authorization_code") {
      return oauthError(
        400,
        "unsupported_grant_type",
        "The authorization grant type is not supported by the authorization server.",
      );
    }
    if (!params.code) return oauthError(400, "invalid_request", "Missing required parameter: code.");
    if (!params.redirect_uri)
      return oauthError(400, "invalid_request", "Missing required parameter: redirect_uri.");
    const grant = this.grants.get(params.code);
    if (!grant || grant.used || grant.expiresAt < Date.now() || grant.clientId !== clientId)
      return invalidGrant();
    if (!redirectMatches(grant.redirectUri, params.redirect_uri)) return invalidGrant();
    if (grant.challenge) {
      if (!params.code_verifier)
        return oauthError(400, "invalid_request", "Missing required parameter: code_verifier.");
      const computed =
        grant.method === "S256"
          ? createHash("sha256").update(params.code_verifier).digest("base64url")
          : params.code_verifier;
      if (computed !== grant.challenge) return invalidGrant();
    }
    grant.used = true;
    const token = this.issueToken(grant.scopes);
    const info = this.tokens.get(token)!;
    json(200, {
      access_token: token,
      token_type: "Bearer",
      refresh_token: info.refreshToken,
      scope: grant.scopes.join(" "),
      created_at: Math.floor(Date.now() / 1000),
    });
  }

  // ---- API ----

  private api(
    req: IncomingMessage,
    path: string,
    url: URL,
    query: Record<string, string>,
    bodyParams: Record<string, string>,
    send: (status: number, headers: Record<string, string>, text: string) => void,
  ): void {
    const header = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const token =
      header ??
      query.access_token ??
      bodyParams.access_token ??
      query.bearer_token ??
      bodyParams.bearer_token;
    const info = token ? this.tokens.get(token) : undefined;
    if (!info || info.revoked) {
      const description = info?.revoked ? "The access token was revoked" : "The access token is invalid";
      send(
        401,
        {
          "www-authenticate": `Bearer realm="Doorkeeper", error="invalid_token", error_description="${description}"`,
          "cache-control": "no-store, no-cache",
        },
        "",
      );
      return;
    }
    const json = (value: unknown) =>
      send(200, { "content-type": "application/json; charset=utf-8" }, JSON.stringify(value));
    const error400 = (message: string) =>
      send(
        400,
        { "content-type": "application/json; charset=utf-8" },
        JSON.stringify({ status: 400, error: message }),
      );
    if (path === "/v2/user" && req.method === "GET") {
      const user: Record<string, unknown> = {
        name: FAKE_USER.name,
        bio: "Novels and sketchbooks",
        currency_type: "usd",
        id: FAKE_USER.id,
        user_id: FAKE_USER.user_id,
        url: FAKE_USER.url,
        links: this.products.map((p) => p.permalink),
        profile_url: "https://public-files.gumroad.com/abc123def456",
        email: FAKE_USER.email,
      };
      if (info.scopes.includes("view_profile")) user.display_name = FAKE_USER.name;
      json({ success: true, user });
      return;
    }
    if (path === "/v2/sales" && req.method === "GET") {
      if (!info.scopes.includes("view_sales") && !info.scopes.includes("account")) {
        send(403, { "cache-control": "no-store, no-cache" }, "");
        return;
      }
      const params = { ...bodyParams, ...query };
      let after: number | null = null;
      let before: number | null = null;
      for (const field of ["after", "before"] as const) {
        const value = params[field];
        if (value === undefined) continue;
        const t = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
        if (Number.isNaN(t)) {
          error400(
            `Invalid date format provided in field '${field}'. Dates must be in the format YYYY-MM-DD.`,
          );
          return;
        }
        if (field === "after") after = t;
        else before = t;
      }
      let rows = this.sales.slice();
      if (params.product_id !== undefined) {
        if (!/^[A-Za-z0-9_-]{22}==$/.test(params.product_id)) {
          error400("Invalid product ID.");
          return;
        }
        rows = rows.filter((s) => s.product.id === params.product_id);
      }
      if (params.email !== undefined) {
        const email = params.email.trim().toLowerCase();
        rows = rows.filter((s) => s.email.toLowerCase() === email);
      }
      if (params.order_id !== undefined) {
        if (String(Number.parseInt(params.order_id, 10)) !== params.order_id) {
          error400("Invalid order ID.");
          return;
        }
        rows = rows.filter((s) => s.orderId === Number(params.order_id));
      }
      if (after !== null) rows = rows.filter((s) => s.createdAt.getTime() >= after!);
      if (before !== null) rows = rows.filter((s) => s.createdAt.getTime() < before!);
      rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.intId - a.intId);
      if (params.page_key !== undefined) {
        const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\d{6}-(\d+)$/.exec(params.page_key);
        if (!m) {
          error400("Invalid page_key.");
          return;
        }
        const keyTime = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
        const keyId = Number(m[7]);
        rows = rows.filter((s) => s.createdAt.getTime() <= keyTime && s.intId < keyId);
      } else if (params.page !== undefined) {
        const page = Number.parseInt(params.page, 10);
        if (!(page >= 1)) {
          error400("Invalid page number. Page numbers start at 1.");
          return;
        }
        rows = rows.slice((page - 1) * 10);
      }
      const pageRows = rows.slice(0, 11);
      const response: Record<string, unknown> = { success: true };
      if (pageRows.length > 10) {
        const tenth = pageRows[9]!;
        const key = `${pageKeyTime(tenth.createdAt)}-${tenth.intId}`;
        response.next_page_key = key;
        const q = Object.entries(query).filter(([k]) => !["access_token", "page", "page_key"].includes(k));
        q.push(["page_key", key]);
        q.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        response.next_page_url = `${url.pathname}?${q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")}`;
      }
      response.sales = pageRows.slice(0, 10).map((s) => this.saleJson(s));
      json(response);
      return;
    }
    const saleMatch = /^\/v2\/sales\/([^/]+)$/.exec(path);
    if (saleMatch && req.method === "GET") {
      const sale = this.sales.find((s) => s.id === decodeURIComponent(saleMatch[1]!));
      json(
        sale
          ? { success: true, sale: this.saleJson(sale) }
          : { success: false, message: "The sale was not found." },
      );
      return;
    }
    send(
      404,
      { "content-type": "application/json" },
      JSON.stringify({ success: false, message: "Not found" }),
    );
  }
}

/** Doorkeeper's loopback rule: for IP-literal loopback hosts the port is ignored; the rest must match. */
function redirectMatches(registered: string, requested: string): boolean {
  let a: URL;
  let b: URL;
  try {
    a = new URL(registered);
    b = new URL(requested);
  } catch {
    return false;
  }
  if (b.hash) return false;
  const loopback = (h: string) => /^127(\.\d{1,3}){3}$/.test(h) || h === "[::1]";
  const portOk = loopback(a.hostname) && loopback(b.hostname) ? true : a.port === b.port;
  return a.protocol === b.protocol && a.hostname === b.hostname && a.pathname === b.pathname && portOk;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseBody(req: IncomingMessage, body: string): Record<string, string> {
  if (!body) return {};
  if ((req.headers["content-type"] ?? "").includes("application/json")) {
    try {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(body).entries());
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export async function startFakeGumroad(options: FakeGumroadOptions = {}): Promise<FakeGumroad> {
  const fake = new FakeGumroad(options);
  await fake.start();
  return fake;
}
