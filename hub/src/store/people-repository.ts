// People: who can sign in to the hub, by id, and whether they administer it.

import type { Person } from './records';
import { Repository } from './repository';
import { nul, personOf } from './rows';

export class PeopleRepository extends Repository {
  async upsert(p: Person): Promise<void> {
    const existing = await this.db.selectFrom('people').select('id').where('id', '=', p.id).executeTakeFirst();
    const values = { name: p.name, email: nul(p.email), admin: p.admin ? 1 : 0 };
    if (existing) await this.db.updateTable('people').set(values).where('id', '=', p.id).execute();
    else await this.db.insertInto('people').values({ id: p.id, ...values, created_at: this.iso() }).execute();
  }

  /** Add a person unless the id is taken; false when it is. */
  async insertIfNew(p: Person): Promise<boolean> {
    return this.inTransaction(async ({ db }) => {
      if (await db.selectFrom('people').select('id').where('id', '=', p.id).executeTakeFirst()) return false;
      await db.insertInto('people').values({ id: p.id, name: p.name, email: nul(p.email), admin: p.admin ? 1 : 0, created_at: this.iso() }).execute();
      return true;
    });
  }

  async get(id: string): Promise<Person | undefined> {
    const r = await this.db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? personOf(r) : undefined;
  }

  async list(): Promise<Person[]> {
    return (await this.db.selectFrom('people').selectAll().orderBy('id').execute()).map(personOf);
  }
}
