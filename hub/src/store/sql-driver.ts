// The small SQL surface the store needs, with one implementation per database
// (SQLite through better-sqlite3, PostgreSQL through pg). Statements are written
// once with `?` placeholders in portable SQL; drivers adapt them.

/** A row as the database returns it (lowercase column names). */
export type Row = Record<string, unknown>;

/** Something that runs statements: the database itself or an open transaction. */
export interface SqlRunner {
  /** Rows of a SELECT (or RETURNING). */
  all<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** First row, or undefined. */
  get<T = Row>(sql: string, params?: unknown[]): Promise<T | undefined>;
  /** Run a statement; resolves to the number of rows changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
}

/** A database connection (pool) with transactions. */
export interface SqlDriver extends SqlRunner {
  readonly dialect: 'sqlite' | 'postgres';
  /** Run `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** Run a script of several statements separated by `;` (migrations). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}
