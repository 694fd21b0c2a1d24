// Opens the store the configuration names: PostgreSQL when a database URL is
// given, else SQLite in one file of the data folder. Migrates before use.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openPostgres, openSqlite } from './database';
import { Store } from './store';

/** Open and migrate the hub's store. */
export async function openStore(options: { dataDir: string; databaseUrl?: string; now?: () => Date }): Promise<Store> {
  let database;
  if (options.databaseUrl) {
    database = openPostgres(options.databaseUrl);
  } else {
    mkdirSync(options.dataDir, { recursive: true });
    database = openSqlite(join(options.dataDir, 'hub.sqlite'));
  }
  const store = new Store(database, options.now);
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
