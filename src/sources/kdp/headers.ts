/**
 * KDP column headers and sheet roles. Headers are localised and were renamed over the years, so they
 * are matched by normalised aliases (NFKC, accents stripped, lower case, footnote stars and (1)
 * markers removed), and a sheet's role comes from its header signature, never from its name
 * (localised names are truncated to 31 characters, e.g. "Regalías de los libros de tapa ").
 */

export type Field =
  | "royalty_date"
  | "order_date"
  | "date"
  | "title"
  | "author"
  | "asin"
  | "isbn"
  | "asin_or_isbn"
  | "marketplace"
  | "royalty_type"
  | "transaction_type"
  | "units_sold"
  | "units_refunded"
  | "net_units"
  | "net_units_or_kenp"
  | "kenp_pages"
  | "paid_units"
  | "free_units"
  | "list_price"
  | "offer_price"
  | "file_size"
  | "delivery_cost"
  | "manufacturing_cost"
  | "delivery_or_manufacturing_cost"
  | "royalty"
  | "currency"
  | "other_asin"
  | "summary_paid_ebook"
  | "summary_free_ebook"
  | "summary_paperback"
  | "summary_hardcover"
  | "summary_koll"
  | "summary_royalty"
  | "definition_report"
  | "definition_text"
  | "sales_period"
  | "period_start"
  | "period_end"
  | "payment_number"
  | "detail"
  | "payment_method"
  | "accrued_royalty"
  | "tax_withholding"
  | "adjustments"
  | "net_earnings"
  | "payment_source"
  | "fx_rate"
  | "payout_amount"
  | "payment_status";

export type Language = "en" | "es" | "ja" | "it";

const ALIAS_TEXT: Record<Language, Record<string, Field>> = {
  en: {
    "royalty date": "royalty_date",
    "order date": "order_date",
    date: "date",
    title: "title",
    "author name": "author",
    author: "author",
    asin: "asin",
    "ebook asin": "asin",
    "audiobook asin": "other_asin",
    "audible asin": "other_asin",
    isbn: "isbn",
    "asin/isbn": "asin_or_isbn",
    marketplace: "marketplace",
    "royalty type": "royalty_type",
    "royalty %": "royalty_type",
    "transaction type": "transaction_type",
    "payout plan": "transaction_type",
    "units sold": "units_sold",
    "units refunded": "units_refunded",
    "net units sold": "net_units",
    "net units": "net_units",
    "net units sold or kenp read": "net_units_or_kenp",
    "net units sold or combined kenp": "net_units_or_kenp",
    "kindle edition normalized page (kenp) read": "kenp_pages",
    "kindle edition normalized pages (kenp) read": "kenp_pages",
    "kindle edition normalized pages (kenp) read from ku and koll": "kenp_pages",
    "kenp read": "kenp_pages",
    kenp: "kenp_pages",
    "paid units": "paid_units",
    "free units": "free_units",
    "avg. list price without tax": "list_price",
    "average list price": "list_price",
    "avg. offer price without tax": "offer_price",
    "average offer price": "offer_price",
    "avg. file size (mb)": "file_size",
    "average file size": "file_size",
    "avg. delivery cost": "delivery_cost",
    "average delivery cost": "delivery_cost",
    "avg. manufacturing cost": "manufacturing_cost",
    "avg. delivery/manufacturing cost": "delivery_or_manufacturing_cost",
    royalty: "royalty",
    earnings: "royalty",
    currency: "currency",
    "paid units sold (ebook)": "summary_paid_ebook",
    "free units sold (ebook)": "summary_free_ebook",
    "net units sold (paperback)": "summary_paperback",
    "net units sold (hardcover)": "summary_hardcover",
    "koll borrows": "summary_koll",
    report: "definition_report",
    definition: "definition_text",
    "sales period": "sales_period",
    "sales period - start date": "period_start",
    "sales period - end date": "period_end",
    "payment number": "payment_number",
    detail: "detail",
    "payment method": "payment_method",
    "accrued royalty": "accrued_royalty",
    "tax withholding": "tax_withholding",
    adjustments: "adjustments",
    "net earnings": "net_earnings",
    source: "payment_source",
    "fx rate": "fx_rate",
    "payout amount": "payout_amount",
    "payment status": "payment_status",
  },
  es: {
    "fecha de las regalias": "royalty_date",
    "fecha de regalias": "royalty_date",
    "fecha de pedido": "order_date",
    fecha: "date",
    titulo: "title",
    "nombre del autor": "author",
    autor: "author",
    "asin del ebook": "asin",
    tienda: "marketplace",
    "tipo de regalia": "royalty_type",
    "tipo de transaccion": "transaction_type",
    "plan de pago": "transaction_type",
    "unidades vendidas": "units_sold",
    "unidades devueltas": "units_refunded",
    "unidades reembolsadas": "units_refunded",
    "unidades netas vendidas": "net_units",
    "unidades netas vendidas o kenp leidas": "net_units_or_kenp",
    "unidades netas vendidas o kenp combinadas": "net_units_or_kenp",
    "paginas kenp leidas": "kenp_pages",
    "kenp leidas": "kenp_pages",
    "unidades pagadas": "paid_units",
    "unidades gratuitas": "free_units",
    "precio de lista medio sin impuestos": "list_price",
    "precio de oferta medio sin impuestos": "offer_price",
    "tamano medio del archivo (mb)": "file_size",
    "gasto medio de envio": "delivery_cost",
    "gasto de produccion medio": "manufacturing_cost",
    "gasto medio de entrega/produccion": "delivery_or_manufacturing_cost",
    regalias: "royalty",
    ganancias: "royalty",
    "ganancias totales": "royalty",
    moneda: "currency",
    "unidades netas vendidas (ebook)": "summary_paid_ebook",
    "unidades gratuitas vendidas (ebook)": "summary_free_ebook",
    "unidades netas vendidas (tapa blanda)": "summary_paperback",
    "unidades netas vendidas (tapa dura)": "summary_hardcover",
    "prestamos de koll": "summary_koll",
    informar: "definition_report",
    informe: "definition_report",
    definicion: "definition_text",
    "periodo de ventas": "sales_period",
  },
  ja: {
    タイトル: "title",
    著者: "author",
    マーケットプレイス: "marketplace",
    注文数: "units_sold",
    払い戻し数: "units_refunded",
    実質注文数: "net_units",
    ロイヤリティの種類: "royalty_type",
    コンテンツ区分: "transaction_type",
    通貨: "currency",
    "平均希望小売価格 (税別)": "list_price",
    "平均販売価格 (税別)": "offer_price",
    "平均ファイルサイズ(mb)": "file_size",
    平均配信コスト: "delivery_cost",
    ロイヤリティ: "royalty",
    "既読 kenp (kindle edition normalized pages)": "kenp_pages",
    "既読 kenpc": "kenp_pages",
    販売期間: "sales_period",
  },
  it: {
    titolo: "title",
    autore: "author",
    "codice asin": "asin",
    mercato: "marketplace",
    "unita vendute": "units_sold",
    "unita rimborsate": "units_refunded",
    "netto unita vendute": "net_units",
    valuta: "currency",
    "prezzo medio di listino escluse le imposte": "list_price",
    "prezzo medio di offerta escluse le imposte": "offer_price",
    "periodo di vendita": "sales_period",
  },
};

const SUMMARY_ROYALTY = /^(?:royalty|regalias|ロイヤリティ|royalties) \(([a-z]{3})\)$/;

export function normalizeHeader(text: string): string {
  return text
    .normalize("NFKC")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .normalize("NFC")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\s*\*+$/, "")
    .replace(/\s*\(\d\)$/, "")
    .replace(/(?<=[a-z])\d$/, "")
    .trim();
}

let normalizedAliases: Record<Language, Map<string, Field>> | null = null;

/** The alias table with its keys normalised exactly like headers are (accents, kana marks, case). */
function aliases(): Record<Language, Map<string, Field>> {
  if (!normalizedAliases) {
    const table = {} as Record<Language, Map<string, Field>>;
    for (const language of Object.keys(ALIAS_TEXT) as Language[]) {
      table[language] = new Map(
        Object.entries(ALIAS_TEXT[language]).map(([text, field]) => [normalizeHeader(text), field]),
      );
    }
    normalizedAliases = table;
  }
  return normalizedAliases;
}

export interface HeaderMatch {
  /** Column index → field (first occurrence wins; a second "Currency" in Payments is the payout currency). */
  columns: Map<number, Field>;
  /** Column index of each field. */
  index: Partial<Record<Field, number>>;
  /** Summary sheets: column index → currency code of a "Royalty (XXX)" column. */
  royaltyCurrencies: Map<number, string>;
  payoutCurrencyColumn: number | null;
  /** Header text of each column, for error messages. */
  names: Map<number, string>;
  language: Language | null;
  hits: number;
}

export function matchHeader(cells: readonly (string | undefined)[]): HeaderMatch {
  const columns = new Map<number, Field>();
  const index: Partial<Record<Field, number>> = {};
  const royaltyCurrencies = new Map<number, string>();
  const names = new Map<number, string>();
  const votes: Record<Language, number> = { en: 0, es: 0, ja: 0, it: 0 };
  let payoutCurrencyColumn: number | null = null;
  let hits = 0;
  cells.forEach((raw, column) => {
    if (raw === undefined || raw.trim() === "") return;
    names.set(column, raw.trim());
    const key = normalizeHeader(raw);
    const summary = SUMMARY_ROYALTY.exec(key);
    if (summary) {
      royaltyCurrencies.set(column, summary[1]!.toUpperCase());
      index.summary_royalty ??= column;
      hits++;
      if (key.startsWith("regalias")) votes.es++;
      else if (key.startsWith("royalty")) votes.en++;
      return;
    }
    for (const language of Object.keys(ALIAS_TEXT) as Language[]) {
      const field = aliases()[language].get(key);
      if (!field) continue;
      votes[language]++;
      if (index[field] === undefined) {
        index[field] = column;
        columns.set(column, field);
        hits++;
      } else if (field === "currency" && payoutCurrencyColumn === null) {
        payoutCurrencyColumn = column;
      }
      break;
    }
  });
  const ranked = (Object.entries(votes) as [Language, number][]).sort((a, b) => b[1] - a[1]);
  // "asin", "royalty" and "kenp" are shared by several languages; a language needs its own words.
  const language = ranked[0]![1] > 0 ? ranked[0]![0] : null;
  return { columns, index, royaltyCurrencies, payoutCurrencyColumn, names, language, hits };
}

export type SheetRole =
  | "definitions"
  | "summary"
  | "combined"
  | "ebook"
  | "print"
  | "orders"
  | "kenp"
  | "total"
  | "payments";

/** The role of a sheet from the fields its header has. Null: not a KDP sheet we know. */
export function sheetRole(h: HeaderMatch): SheetRole | null {
  const has = (field: Field) => h.index[field] !== undefined;
  if (has("definition_report") && has("definition_text")) return "definitions";
  if (has("payment_number") && has("period_start")) return "payments";
  if (has("summary_paid_ebook") || (has("summary_royalty") && has("date"))) return "summary";
  if (has("paid_units") && has("free_units")) return "orders";
  if (has("asin_or_isbn") && has("net_units_or_kenp")) return "total";
  if (has("asin_or_isbn") && has("units_sold")) return "combined";
  if (has("isbn") && has("units_sold")) return "print";
  if ((has("asin") || has("title")) && has("units_sold") && has("royalty")) return "ebook";
  if (has("kenp_pages") && has("marketplace")) return "kenp";
  return null;
}
