// Opens the store the configuration names: PostgreSQL when a database URL is
// given, else SQLite in one file of the data folder. Migrates before use.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PostgresDriver } from './postgres-driver';
import { SqliteDriver } from './sqlite-driver';
import { Store } from './store';

/** Open and migrate the hub's store. */
export async function openStore(options: { dataDir: string; databaseUrl?: string; now?: () => Date }): Promise<Store> {
  let driver;
  if (options.databaseUrl) {
    driver = new PostgresDriver(options.databaseUrl);
  } else {
    mkdirSync(options.dataDir, { recursive: true });
    driver = new SqliteDriver(join(options.dataDir, 'hub.sqlite'));
  }
  const store = new Store(driver, options.now);
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
