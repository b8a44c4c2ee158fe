import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { AuthorstackError, InputError } from "../errors.js";
import { MIGRATIONS } from "./migrations.js";

export type Db = Database.Database;

/**
 * Opens (and creates) the database: WAL mode, foreign keys on, migrations applied.
 * A database written by a newer AuthorStack is refused rather than half-understood.
 */
export function openDatabase(path: string, options: { readonly?: boolean } = {}): Db {
  if (!options.readonly) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let db: Db;
  try {
    db = new Database(path, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
  } catch (error) {
    throw new InputError(`cannot open the database ${path}: ${(error as Error).message}`);
  }
  try {
    db.pragma("busy_timeout = 5000");
    if (!options.readonly) db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    // SQLite's lower() folds ASCII only: fold() lets title searches match "érase" to "Érase".
    db.function("fold", { deterministic: true }, (text: unknown) =>
      typeof text === "string" ? text.normalize("NFKC").toLowerCase() : text,
    );
    db.pragma("synchronous = NORMAL");
    migrate(db, path);
  } catch (error) {
    db.close();
    if (error instanceof AuthorstackError) throw error;
    throw new InputError(`${path} is not a usable AuthorStack database: ${(error as Error).message}`, {
      hint: "Move it aside and run the command again to start a new one.",
    });
  }
  return db;
}

export const SCHEMA_VERSION = MIGRATIONS.length;

export class NewerDatabaseError extends AuthorstackError {
  override readonly exitCode = 3 as const;
}

function migrate(db: Db, path: string): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new NewerDatabaseError(
      `${path} was written by a newer AuthorStack (schema ${current}; this version knows ${SCHEMA_VERSION}).`,
      { hint: "Upgrade AuthorStack (npm install -g authorstack@latest); the database was left untouched." },
    );
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
