/**
 * Numbered schema migrations, applied in order on open inside one transaction each. Append only:
 * never edit a migration that has shipped. `PRAGMA user_version` holds the number applied.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: imports, KDP snapshots, the one normalized sales table, payments.
  `
  CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    report_kind TEXT NOT NULL,
    family TEXT NOT NULL,
    language TEXT NOT NULL,
    snapshot_time TEXT NOT NULL,
    snapshot_time_source TEXT NOT NULL,
    months TEXT NOT NULL,
    rows_read INTEGER NOT NULL,
    rows_stored INTEGER NOT NULL,
    imported_at TEXT NOT NULL
  );

  -- Which import currently holds the figures of (family, kind, month): newest snapshot wins.
  CREATE TABLE snapshots (
    source TEXT NOT NULL,
    family TEXT NOT NULL,
    kind TEXT NOT NULL,
    month TEXT NOT NULL,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    snapshot_time TEXT NOT NULL,
    PRIMARY KEY (source, family, kind, month)
  );

  CREATE TABLE sales (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    external_id TEXT,
    import_id INTEGER REFERENCES imports(id),
    status TEXT NOT NULL CHECK (status IN ('estimate', 'final')),
    month TEXT NOT NULL,
    date TEXT NOT NULL,
    granularity TEXT NOT NULL CHECK (granularity IN ('day', 'month')),
    format TEXT NOT NULL,
    asin TEXT,
    isbn TEXT,
    product_id TEXT,
    title TEXT,
    author TEXT,
    marketplace TEXT,
    transaction_type TEXT,
    royalty_type TEXT,
    units_sold INTEGER NOT NULL DEFAULT 0,
    units_refunded INTEGER NOT NULL DEFAULT 0,
    units_free INTEGER NOT NULL DEFAULT 0,
    kenp_pages INTEGER NOT NULL DEFAULT 0,
    royalty_micros INTEGER NOT NULL DEFAULT 0,
    currency TEXT,
    list_price_micros INTEGER,
    offer_price_micros INTEGER,
    order_date TEXT,
    sheet TEXT,
    row_number INTEGER,
    extra TEXT
  );
  CREATE UNIQUE INDEX sales_external_id ON sales(source, external_id) WHERE external_id IS NOT NULL;
  -- One index serves the report's period scans and the snapshot replacement (month, format).
  CREATE INDEX sales_by_month ON sales(month, format);

  CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    month TEXT NOT NULL,
    period_start TEXT,
    period_end TEXT,
    marketplace TEXT,
    payment_number TEXT,
    payment_date TEXT,
    payment_method TEXT,
    detail TEXT,
    source TEXT,
    currency TEXT,
    accrued_micros INTEGER,
    tax_withholding_micros INTEGER,
    adjustments_micros INTEGER,
    net_earnings_micros INTEGER,
    fx_rate TEXT,
    payout_currency TEXT,
    payout_micros INTEGER,
    status TEXT,
    row_number INTEGER
  );
  CREATE INDEX payments_by_month ON payments(month);

  -- Per-source sync bookkeeping (cursor, last sync time), written in the same transaction as the rows.
  CREATE TABLE sync_state (
    source TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  `,
  // 2: exchange rates for --currency (ECB reference rates: units of a currency per 1 EUR, by day).
  `
  CREATE TABLE rates (
    source TEXT NOT NULL,
    date TEXT NOT NULL,
    base TEXT NOT NULL,
    currency TEXT NOT NULL,
    rate TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (source, base, currency, date)
  );
  `,
];
