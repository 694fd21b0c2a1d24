// The databases store tests run on: SQLite always; PostgreSQL when a server
// answers (CLASSPOD_TEST_DATABASE_URL, default the local socket). Each test
// gets a database of its own, dropped afterwards. Without PostgreSQL the tests
// are skipped, except under CI, where they fail.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openPostgres, openSqlite, type HubDatabase } from '../../src/store/database';
import { skipWithoutTool } from '@classpod/test-support';

export const ADMIN_DATABASE_URL = process.env.CLASSPOD_TEST_DATABASE_URL ?? 'postgresql://root@localhost/postgres?host=/var/run/postgresql';

/** A fresh empty database and the way to get rid of it. */
export interface TestDatabase {
  database: HubDatabase;
  /** For a hub to open the same database (undefined for SQLite: use `dataDir`). */
  url?: string;
  dataDir: string;
  drop(): Promise<void>;
}

export interface DatabaseTarget {
  name: 'sqlite' | 'postgres';
  /** Undefined when usable, else why not. */
  unavailable(): Promise<string | undefined>;
  create(): Promise<TestDatabase>;
}

let pgProbe: Promise<string | undefined> | undefined;

/** Why PostgreSQL cannot be used, or undefined. */
export function postgresUnavailable(): Promise<string | undefined> {
  pgProbe ??= (async () => {
    const c = new Client({ connectionString: ADMIN_DATABASE_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return undefined;
    } catch (err) {
      return `PostgreSQL not reachable at ${ADMIN_DATABASE_URL}: ${(err as Error).message}`;
    } finally {
      await c.end().catch(() => undefined);
    }
  })();
  return pgProbe;
}

/** Skip (or, under CI, fail) a test whose database is missing. */
export async function requireTarget(ctx: Mocha.Context, target: DatabaseTarget): Promise<void> {
  const why = await target.unavailable();
  if (!why) return;
  skipWithoutTool(ctx, why);
}

async function adminQuery(sql: string): Promise<void> {
  const c = new Client({ connectionString: ADMIN_DATABASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export const sqliteTarget: DatabaseTarget = {
  name: 'sqlite',
  unavailable: async () => undefined,
  async create() {
    const dataDir = mkdtempSync(join(tmpdir(), 'classpod-hub-db-'));
    const database = openSqlite(join(dataDir, 'hub.sqlite'));
    return {
      database,
      dataDir,
      async drop() {
        await database.db.destroy().catch(() => undefined);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

export const postgresTarget: DatabaseTarget = {
  name: 'postgres',
  unavailable: postgresUnavailable,
  async create() {
    const name = `classpod_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const u = new URL(ADMIN_DATABASE_URL);
    u.pathname = `/${name}`;
    const url = u.toString();
    const database = openPostgres(url);
    const dataDir = mkdtempSync(join(tmpdir(), 'classpod-hub-db-'));
    return {
      database,
      url,
      dataDir,
      async drop() {
        await database.db.destroy().catch(() => undefined);
        await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

export const DATABASE_TARGETS: DatabaseTarget[] = [sqliteTarget, postgresTarget];

/** A database for a whole hub: undefined URL means SQLite in the hub's data folder. */
export async function hubDatabase(ctx: Mocha.Context, target: DatabaseTarget): Promise<{ databaseUrl?: string; drop(): Promise<void> }> {
  await requireTarget(ctx, target);
  if (target.name === 'sqlite') return { drop: async () => undefined };
  const db = await target.create();
  await db.database.db.destroy();
  return { databaseUrl: db.url, drop: () => db.drop() };
}
