// PostgreSQL driver (pg Pool), used when DATABASE_URL is set. Rewrites the
// portable `?` placeholders into `$1, $2, ...`.

import { Pool, type PoolClient } from 'pg';
import type { Row, SqlDriver, SqlRunner } from './sql-driver';

/** `?` → `$n` (the store's SQL never has `?` inside string literals). */
export function toPostgresPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function normalise(params: unknown[]): unknown[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p === undefined ? null : p));
}

function runnerOf(q: Pool | PoolClient): SqlRunner {
  return {
    async all<T>(sql: string, params: unknown[] = []) {
      return (await q.query(toPostgresPlaceholders(sql), normalise(params))).rows as T[];
    },
    async get<T>(sql: string, params: unknown[] = []) {
      return (await q.query(toPostgresPlaceholders(sql), normalise(params))).rows[0] as T | undefined;
    },
    async run(sql: string, params: unknown[] = []) {
      return (await q.query(toPostgresPlaceholders(sql), normalise(params))).rowCount ?? 0;
    },
  };
}

/** A pool of connections to one PostgreSQL database. */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  private readonly pool: Pool;
  private readonly runner: SqlRunner;

  constructor(connectionString: string, options: { max?: number } = {}) {
    this.pool = new Pool({ connectionString, max: options.max ?? 10 });
    // An idle client's error (server restart) must not crash the hub; the next query reconnects.
    this.pool.on('error', () => undefined);
    this.runner = runnerOf(this.pool);
  }

  all<T = Row>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.runner.all<T>(sql, params);
  }
  get<T = Row>(sql: string, params?: unknown[]): Promise<T | undefined> {
    return this.runner.get<T>(sql, params);
  }
  run(sql: string, params?: unknown[]): Promise<number> {
    return this.runner.run(sql, params);
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(runnerOf(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
