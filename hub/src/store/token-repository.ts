// API tokens: their hashes (never the secrets), owners, scopes and lifetimes.

import type { TokenRecord } from './records';
import { Repository } from './repository';
import { nul, tokenOf } from './rows';

export class TokenRepository extends Repository {
  async insert(t: Omit<TokenRecord, 'createdAt'>): Promise<void> {
    await this.db
      .insertInto('tokens')
      .values({ id: t.id, hash: t.hash, person_id: nul(t.personId), scopes: t.scopes.join(' '), label: nul(t.label), created_at: this.iso(), expires_at: nul(t.expiresAt) })
      .execute();
  }

  async byHash(hash: string): Promise<TokenRecord | undefined> {
    const r = await this.db.selectFrom('tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
    return r ? tokenOf(r) : undefined;
  }

  /** Every token (one person's, when named), oldest first. */
  async list(personId?: string): Promise<TokenRecord[]> {
    const rows = await this.db
      .selectFrom('tokens')
      .selectAll()
      .$if(personId !== undefined, (q) => q.where('person_id', '=', personId!))
      .orderBy('created_at')
      .execute();
    return rows.map(tokenOf);
  }

  /** Revoke by id; false when no such live token. */
  async revoke(id: string): Promise<boolean> {
    const changed = await this.db.updateTable('tokens').set({ revoked_at: this.iso() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(changed.numUpdatedRows) === 1;
  }
}
