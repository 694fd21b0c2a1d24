// The sign-in repository on SQLite and PostgreSQL: a sign-in under way is taken
// exactly once however many callbacks race for it, an identity names one
// person, and expired sign-ins are swept by the hub's clock.

import assert from 'node:assert/strict';
import type { SignInRepository } from '../../src/store/sign-in-repository';
import { Store } from '../../src/store/store';
import { ManualClock } from '../../src/time/clock';
import { DATABASE_TARGETS, requireTarget, type TestDatabase } from '../support/databases';

for (const target of DATABASE_TARGETS) {
  describe(`sign-in repository on ${target.name}`, function () {
    let db: TestDatabase | undefined;
    let signIns: SignInRepository;
    const clock = new ManualClock('2026-12-01T12:00:00Z');

    beforeEach(async function () {
      await requireTarget(this, target);
      db = await target.create();
      const store = new Store(db.database, () => clock.now());
      await store.migrate();
      await store.people.upsert({ id: 'alice', name: 'Alice', admin: false });
      await store.people.upsert({ id: 'bob', name: 'Bob', admin: false });
      signIns = store.signIns;
    });
    afterEach(async () => {
      await db?.drop();
      db = undefined;
    });

    const pending = (state: string, expiresAt = '2026-12-01T12:10:00.000Z') => ({ state, browserHash: 'h', nonce: 'n', codeVerifier: 'v', expiresAt });

    it('hands a sign-in to exactly one of many racing callbacks', async () => {
      await signIns.addSignIn(pending('s1'));
      const taken = await Promise.all(Array.from({ length: 8 }, () => signIns.takeSignIn('s1')));
      assert.equal(taken.filter(Boolean).length, 1);
      assert.equal(taken.find(Boolean)!.nonce, 'n');
      assert.equal(await signIns.takeSignIn('s1'), undefined);
      assert.equal(await signIns.countSignIns(), 0);
    });

    it('links an identity to one person only', async () => {
      await signIns.link({ issuer: 'https://idp', subject: 'u1', personId: 'alice' });
      await assert.rejects(signIns.link({ issuer: 'https://idp', subject: 'u1', personId: 'bob' }));
      assert.equal(await signIns.personOf('https://idp', 'u1'), 'alice');
      assert.equal(await signIns.personOf('https://other-idp', 'u1'), undefined, 'the same subject at another issuer is someone else');
    });

    it("sweeps sign-ins that expired by the hub's clock", async () => {
      await signIns.addSignIn(pending('old', '2026-12-01T12:05:00.000Z'));
      await signIns.addSignIn(pending('new', '2026-12-01T12:30:00.000Z'));
      clock.advance(10 * 60_000);
      assert.equal(await signIns.sweepSignIns(), 1);
      assert.equal(await signIns.takeSignIn('old'), undefined);
      assert.ok(await signIns.takeSignIn('new'));
    });
  });
}
