// What every repository is built on: the database (or the transaction it runs
// in), the hub's clock, and ids. A repository's method that must write
// several rows together opens a transaction, or joins the caller's.

import { randomBytes } from 'node:crypto';
import type { Db } from './tables';

/** A random id with a readable prefix, e.g. `s_3f9a…`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(10).toString('hex')}`;
}

/** Where a repository reads and writes. */
export interface RepositoryContext {
  readonly db: Db;
  readonly dialect: 'sqlite' | 'postgres';
  readonly now: () => Date;
}

/** The base of the repositories: the context, and helpers every one of them uses. */
export abstract class Repository {
  constructor(protected readonly ctx: RepositoryContext) {}

  protected get db(): Db {
    return this.ctx.db;
  }

  /** Now, by the hub's clock, as the database keeps instants. */
  protected iso(): string {
    return this.ctx.now().toISOString();
  }

  /** Run `fn` in a transaction: the caller's when it is in one (the repositories of `Store.transaction`), else a new one. */
  protected inTransaction<T>(fn: (ctx: RepositoryContext) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this.ctx);
    return this.db.transaction().execute((tx) => fn({ ...this.ctx, db: tx }));
  }
}
