// The store on SQLite and on PostgreSQL: the same behaviour from the same SQL.

import assert from 'node:assert/strict';
import { Store } from '../../src/store/store';
import { DATABASE_TARGETS, requireTarget, type TestDatabase } from '../support/databases';
import type { Submission } from '../../src/store/records';

function submission(id: string, studentId = 'alice'): Omit<Submission, 'status'> {
  return {
    id,
    courseId: 'cs101',
    assignmentId: 'hello',
    studentId,
    snapshotHash: 'a'.repeat(64),
    submittedAt: new Date().toISOString(),
    source: 'submitted',
    late: false,
    penaltyPercent: 0,
    fileCount: 1,
    totalBytes: 10,
  };
}

for (const target of DATABASE_TARGETS) {
  describe(`store on ${target.name}`, function () {
    let db: TestDatabase | undefined;
    let store: Store;

    beforeEach(async function () {
      await requireTarget(this, target);
      db = await target.create();
      store = new Store(db.database);
      await store.migrate();
      await store.courses.upsert({ id: 'cs101', title: 'Programming' });
      await store.people.upsert({ id: 'alice', name: 'Alice', email: 'alice@example.org', admin: false });
      await store.courses.enrol({ courseId: 'cs101', personId: 'alice', role: 'student' });
      await store.assignments.upsert({
        courseId: 'cs101',
        id: 'hello',
        title: 'Hello',
        description: '# Hello',
        dueAt: '2026-12-01T12:00:00.000Z',
        penaltyPercentPerDay: 10,
        specJson: '{}',
        publicSpecJson: '{}',
        starterManifest: [],
        publicFilesManifest: [],
        maxScore: 100,
      });
    });

    afterEach(async () => {
      await db?.drop();
      db = undefined;
    });

    it('migrates once: a second run applies nothing', async () => {
      assert.deepEqual(await store.migrate(), []);
    });

    it('keeps people, enrolments and assignments', async () => {
      assert.equal(await store.courses.roleIn('cs101', 'alice'), 'student');
      assert.deepEqual((await store.courses.members('cs101')).map((m) => [m.id, m.role, m.email]), [['alice', 'student', 'alice@example.org']]);
      const a = await store.assignments.get('cs101', 'hello');
      assert.equal(a?.penaltyPercentPerDay, 10);
      assert.equal(a?.dueAt, '2026-12-01T12:00:00.000Z');
      assert.equal(await store.assignments.upsert({ ...a!, title: 'Hello again' }), false);
      assert.equal((await store.assignments.get('cs101', 'hello'))?.title, 'Hello again');
    });

    it('leases a job to one worker only, and records its result exactly once', async () => {
      await store.submissions.add(submission('s_1'));
      const first = await store.jobs.leaseNext('w1', Date.now() + 30_000);
      const second = await store.jobs.leaseNext('w2', Date.now() + 30_000);
      assert.ok(first);
      assert.equal(second, undefined);
      assert.equal((await store.submissions.get('s_1'))?.status, 'grading');
      assert.equal(await store.jobs.heartbeat(first.job.id, first.job.leaseId!, Date.now() + 60_000), true);
      assert.equal(await store.jobs.heartbeat(first.job.id, 'l_other', Date.now() + 60_000), false);
      const done = await store.jobs.complete(first.job.id, first.job.leaseId!, { status: 'graded', rawScore: 80, maxScore: 100, resultJson: '{}' });
      assert.equal(done?.rawScore, 80);
      assert.equal(await store.jobs.complete(first.job.id, first.job.leaseId!, { status: 'graded', rawScore: 10, maxScore: 100, resultJson: '{}' }), undefined);
      assert.equal((await store.submissions.get('s_1'))?.rawScore, 80);
      assert.deepEqual(await store.jobs.counts(), { queued: 0, leased: 0, done: 1 });
    });

    it('leases many jobs concurrently without handing one out twice', async () => {
      for (let i = 0; i < 8; i++) await store.submissions.add(submission(`s_${i}`));
      const leases = await Promise.all(Array.from({ length: 12 }, (_, i) => store.jobs.leaseNext(`w${i}`, Date.now() + 30_000)));
      const ids = leases.filter((l) => l !== undefined).map((l) => l!.job.id);
      assert.equal(ids.length, 8);
      assert.equal(new Set(ids).size, 8);
    });

    it('leases only jobs the worker accepts, concurrently and once each, and keeps a grade record with the result', async () => {
      await store.assignments.upsert({ ...(await store.assignments.get('cs101', 'hello'))!, id: 'other' });
      for (let i = 0; i < 6; i++) await store.submissions.add({ ...submission(`s_${i}`), assignmentId: i % 2 ? 'other' : 'hello' });
      const onlyOther = (c: { assignmentId: string }): boolean => c.assignmentId === 'other';
      const leases = await Promise.all(Array.from({ length: 5 }, (_, i) => store.jobs.leaseNext(`w${i}`, Date.now() + 30_000, onlyOther)));
      const taken = leases.filter((l) => l !== undefined).map((l) => l!.submission.id).sort();
      assert.deepEqual(taken, ['s_1', 's_3', 's_5']);
      assert.deepEqual(await store.jobs.counts(), { queued: 3, leased: 3, done: 0 });
      const lease = leases.find((l) => l?.submission.id === 's_1')!;
      assert.equal(await store.jobs.setLeaseSpecHash(lease.job.id, lease.job.leaseId!, 'sha256:spec'), true);
      assert.equal((await store.jobs.get(lease.job.id))?.specHash, 'sha256:spec');
      const record = {
        workerId: 'w-record',
        official: true,
        sandbox: 'isolate',
        sandboxVersion: 'The process isolator 2.6',
        snapshotHash: 'a'.repeat(64),
        specHash: 'sha256:spec',
        sourceHash: 'sha256:src',
        toolchainHash: 'sha256:tools',
        workerJson: '{}',
      };
      await store.jobs.complete(lease.job.id, lease.job.leaseId!, { status: 'graded', rawScore: 90, maxScore: 100, resultJson: '{"score":90}' }, record);
      const [kept, ...more] = await store.gradeRecords.list('s_1');
      assert.equal(more.length, 0);
      assert.deepEqual({ ...kept, id: undefined, recordedAt: undefined }, {
        ...record,
        id: undefined,
        recordedAt: undefined,
        submissionId: 's_1',
        jobId: lease.job.id,
        status: 'graded',
        score: 90,
        maxScore: 100,
        resultJson: '{"score":90}',
      });
      assert.deepEqual(await store.gradeRecords.get(kept!.id), kept);
    });

    it('queues a job again when its lease expires, and refuses the old lease afterwards', async () => {
      await store.submissions.add(submission('s_1'));
      const first = (await store.jobs.leaseNext('w1', Date.now() - 1))!;
      assert.deepEqual(await store.jobs.expireLeases(Date.now()), [first.job.id]);
      const again = (await store.jobs.leaseNext('w2', Date.now() + 30_000))!;
      assert.equal(again.job.id, first.job.id);
      assert.equal(again.job.attempts, 2);
      assert.equal(await store.jobs.complete(first.job.id, first.job.leaseId!, { status: 'graded', rawScore: 1, maxScore: 1, resultJson: '{}' }), undefined);
      assert.ok(await store.jobs.complete(again.job.id, again.job.leaseId!, { status: 'graded', rawScore: 1, maxScore: 1, resultJson: '{}' }));
    });

    it('records a deadline collection once, with its submission', async () => {
      const c = { courseId: 'cs101', assignmentId: 'hello', studentId: 'alice', dueAt: '2026-12-01T12:00:00.000Z', submissionId: 's_c' };
      assert.equal(await store.deadlines.record(c, { ...submission('s_c'), source: 'collected' }), true);
      assert.equal(await store.deadlines.record(c, { ...submission('s_d'), source: 'collected' }), false);
      assert.deepEqual((await store.submissions.list({ courseId: 'cs101' })).map((s) => [s.id, s.source]), [['s_c', 'collected']]);
      assert.equal((await store.deadlines.collection('cs101', 'hello', 'alice'))?.submissionId, 's_c');
    });

    it('keeps one waiting job per submission when regraded twice', async () => {
      await store.submissions.add(submission('s_1'));
      await store.submissions.requeue(['s_1']);
      await store.submissions.requeue(['s_1']);
      assert.equal((await store.jobs.of('s_1')).length, 1);
    });

    it('stores overrides and removes them', async () => {
      await store.submissions.add(submission('s_1'));
      await store.submissions.setOverride('s_1', { score: 42, comment: 'hand-checked', authorId: 'prof' });
      assert.deepEqual({ ...(await store.submissions.get('s_1'))!.override, at: undefined }, { score: 42, comment: 'hand-checked', authorId: 'prof', at: undefined });
      await store.submissions.setOverride('s_1', undefined);
      assert.equal((await store.submissions.get('s_1'))!.override, undefined);
    });

    it('lists the audit log of a course, newest first', async () => {
      await store.audit.add({ actorId: 'prof', action: 'first', courseId: 'cs101' });
      await new Promise((r) => setTimeout(r, 5));
      await store.audit.add({ actorId: 'prof', action: 'second', courseId: 'cs101', target: 'alice' });
      await store.audit.add({ actorId: 'prof', action: 'elsewhere', courseId: 'cs202' });
      assert.deepEqual((await store.audit.list('cs101')).map((e) => e.action), ['second', 'first']);
      // Sign-ins are recorded in no course: a course's log has those of its members, and nothing else of theirs.
      await store.audit.add({ actorId: 'alice', action: 'auth.signin', target: 'alice' });
      await store.audit.add({ actorId: 'alice', action: 'token.issue' });
      await store.audit.add({ actorId: 'mallory', action: 'auth.signin', target: 'mallory' });
      const listed = (await store.audit.list('cs101')).map((e) => `${e.actorId} ${e.action}`).sort();
      assert.deepEqual(listed, ['alice auth.signin', 'prof first', 'prof second']);
      assert.deepEqual((await store.audit.list('cs202')).map((e) => e.action), ['elsewhere']);
    });

    it('keeps a section when a person is enrolled again with another role, and enrols a withdrawn one again', async () => {
      await store.rosters.update('cs101', 'prof', true, async () => ({
        result: undefined,
        writes: { create: [], enrol: [{ personId: 'alice', role: 'student', section: 'a' }], withdraw: ['alice'], audit: [] },
      }));
      await store.courses.enrol({ courseId: 'cs101', personId: 'alice', role: 'assistant' });
      const alice = (await store.rosters.members('cs101')).find((m) => m.personId === 'alice')!;
      assert.deepEqual([alice.role, alice.section, alice.withdrawn], ['assistant', 'a', false]);
    });

    it('rolls a failed transaction back entirely', async () => {
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.courses.upsert({ id: 'cs999', title: 'x' });
          await tx.people.upsert({ id: 'zed', name: 'Zed', admin: false });
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await store.courses.get('cs999'), undefined);
      assert.equal(await store.people.get('zed'), undefined);
    });
  });
}
