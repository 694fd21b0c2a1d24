// The roster's and the invites' writes on both databases the hub runs on
// (SQLite and PostgreSQL): an import applied once and then all unchanged, a
// withdrawal, and racing joins that pass an invite's limit exactly once.

import assert from 'node:assert/strict';
import { CreateInviteRequest, ExportRosterRequest, ImportRosterRequest, JoinCourseRequest, ListCoursePeopleRequest } from '@classpod/protocol';
import { DATABASE_TARGETS, hubDatabase } from '../support/databases';
import { startTestHub } from '../support/test-hub';
import { TestClient } from '../support/test-client';

const ROSTER = 'id,name,role,section\nprof,Prof. Ada,professor,\ntara,Tara,assistant,a\nalice,Alice,student,a\nbob,Bob,student,b\nerin,Erin,student,a\n';

for (const target of DATABASE_TARGETS) {
  describe(`rosters and invites on ${target.name}`, function () {
    this.timeout(120_000);

    it('imports once, then changes nothing; withdraws; and racing joins pass a limit of one once', async function () {
      const db = await hubDatabase(this, target);
      const t = await startTestHub(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {});
      const opened: TestClient[] = [];
      try {
        const prof = await t.connect('prof');
        const first = await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv: ROSTER, apply: true });
        assert.deepEqual(first.counts, { added: 1, changed: 3, withdrawn: 1, unchanged: 1 });
        const again = await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv: ROSTER, apply: true });
        assert.deepEqual(again.counts, { added: 0, changed: 0, withdrawn: 0, unchanged: 5 });
        assert.match((await prof.request(ExportRosterRequest.type, { courseId: 'cs101' })).csv, /\r\ncarol,Carol,,student,,withdrawn\r\n/);
        const people = (await prof.request(ListCoursePeopleRequest.type, { courseId: 'cs101' })).people;
        assert.deepEqual(people.find((p) => p.personId === 'carol')?.withdrawn, true);
        assert.equal(people.find((p) => p.personId === 'erin')?.section, 'a');

        const { code } = await prof.request(CreateInviteRequest.type, { courseId: 'cs101', expiresAt: new Date(Date.now() + 86_400_000).toISOString(), maxUses: 1 });
        for (const id of ['r1', 'r2', 'r3', 'r4']) {
          await t.hub.store.people.upsert({ id, name: id, admin: false });
          opened.push(await TestClient.connect(t.hub.url, (await t.hub.tokens.issue({ personId: id, scopes: ['hub'] })).token));
        }
        const outcomes = await Promise.allSettled(opened.map((c) => c.request(JoinCourseRequest.type, { code })));
        assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
      } finally {
        for (const c of opened) c.close();
        await t.close();
        await db.drop();
      }
    });
  });
}
