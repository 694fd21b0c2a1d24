// Opens the hub's database through Kysely: SQLite (one better-sqlite3
// connection to a file of the data folder) or PostgreSQL (a pg pool). Kysely
// compiles each query for its dialect, so statements are written once.

import Database from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteAdapter, SqliteDialect, SqliteDriver, type DatabaseConnection, type Dialect, type SqliteDialectConfig } from 'kysely';
import { Pool } from 'pg';
import type { Tables } from './tables';

/** An open database and which kind it is (the few statements that differ ask). */
export interface HubDatabase {
  readonly db: Kysely<Tables>;
  readonly dialect: 'sqlite' | 'postgres';
}

/**
 * Kysely's SQLite driver, but a transaction takes the write lock when it
 * begins (BEGIN IMMEDIATE): a transaction that reads and then writes never
 * meets another process's lock half-way (hubs sharing a file, the CLI).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'));
  }
}

/**
 * SQLite runs DDL inside a transaction, though Kysely's adapter does not say
 * so: saying it makes the Migrator apply pending migrations and record them in
 * one transaction, so a failed migration leaves nothing half-done.
 */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** Open (creating) a SQLite database file. */
export function openSqlite(file: string): HubDatabase {
  const config: SqliteDialectConfig = {
    database: async () => {
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      return db;
    },
  };
  const sqlite = new SqliteDialect(config);
  const dialect: Dialect = {
    createAdapter: () => new TransactionalSqliteAdapter(),
    createDriver: () => new ImmediateSqliteDriver(config),
    createIntrospector: (db) => sqlite.createIntrospector(db),
    createQueryCompiler: () => sqlite.createQueryCompiler(),
  };
  return { db: new Kysely<Tables>({ dialect }), dialect: 'sqlite' };
}

/** A pool of connections to one PostgreSQL database. */
export function openPostgres(connectionString: string, options: { max?: number } = {}): HubDatabase {
  const pool = new Pool({ connectionString, max: options.max ?? 10 });
  // An idle client's error (server restart) must not crash the hub; the next query reconnects.
  pool.on('error', () => undefined);
  return { db: new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
}
