// SQLite driver: one better-sqlite3 connection to one file in the data folder.
// better-sqlite3 is synchronous, so transactions that await in between are
// serialised with a queue; statements outside a transaction wait their turn too.

import Database from 'better-sqlite3';
import type { Row, SqlDriver, SqlRunner } from './sql-driver';

type Db = InstanceType<typeof Database>;

function normalise(params: unknown[]): unknown[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p === undefined ? null : p));
}

function runnerOf(db: Db): SqlRunner {
  return {
    async all<T>(sql: string, params: unknown[] = []) {
      return db.prepare(sql).all(...normalise(params)) as T[];
    },
    async get<T>(sql: string, params: unknown[] = []) {
      return db.prepare(sql).get(...normalise(params)) as T | undefined;
    },
    async run(sql: string, params: unknown[] = []) {
      return db.prepare(sql).run(...normalise(params)).changes;
    },
  };
}

/** Open (creating) a SQLite database file. */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private readonly db: Db;
  private readonly runner: SqlRunner;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.runner = runnerOf(this.db);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  all<T = Row>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.serial(() => this.runner.all<T>(sql, params));
  }
  get<T = Row>(sql: string, params?: unknown[]): Promise<T | undefined> {
    return this.serial(() => this.runner.get<T>(sql, params));
  }
  run(sql: string, params?: unknown[]): Promise<number> {
    return this.serial(() => this.runner.run(sql, params));
  }

  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.runner);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  exec(script: string): Promise<void> {
    return this.serial(async () => {
      this.db.exec(script);
    });
  }

  async close(): Promise<void> {
    await this.queue;
    this.db.close();
  }
}
