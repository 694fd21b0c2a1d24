// Limits on official submissions, against a real hub on loopback with the
// hub's clock in the test's hand: the attempt limit, the minimum interval,
// extra attempts staff grant, two submissions racing for the last attempt (on
// SQLite and PostgreSQL), and what a student cannot do about any of it.

import assert from 'node:assert/strict';
import {
  ErrorCode,
  GrantAttemptsRequest,
  ListAssignmentsRequest,
  ListSubmissionsRequest,
  ProtocolError,
  SubmitRequest,
  UpsertAssignmentRequest,
  type SubmissionLimitData,
} from '@classpod/protocol';
import { ManualClock } from '../../src/time/clock';
import { DATABASE_TARGETS, hubDatabase } from '../support/databases';
import { cSumWith } from '../support/assignment-uploads';
import { refusal, refusalOf } from '../support/refusals';
import { startTestHub, type TestHub } from '../support/test-hub';
import type { TestClient } from '../support/test-client';

const MINUTE = 60_000;

/** The data of a `SubmissionLimit` refusal. */
async function limitRefusal(call: Promise<unknown>): Promise<{ message: string; data: SubmissionLimitData }> {
  try {
    await call;
  } catch (err) {
    assert.ok(err instanceof ProtocolError, String(err));
    assert.equal(err.code, ErrorCode.SubmissionLimit, err.message);
    return { message: err.message, data: err.data as SubmissionLimitData };
  }
  assert.fail('the submission was taken instead of refused');
}

async function setUp(t: TestHub, assignmentId: string, yaml: string): Promise<void> {
  for (const s of ['alice', 'bob']) await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: s });
  const prof = await t.connect('prof');
  await prof.request(UpsertAssignmentRequest.type, { courseId: 'cs101', assignmentId, files: cSumWith(yaml) });
}

const submissionsOf = async (c: TestClient, assignmentId: string): Promise<number> =>
  (await c.request(ListSubmissionsRequest.type, { courseId: 'cs101', assignmentId })).submissions.length;

describe('submission limits (attempts and minimum interval)', function () {
  this.timeout(120_000);
  let t: TestHub | undefined;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(new Date('2026-11-20T10:00:00.000Z'));
    t = await startTestHub({ clock });
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('refuses a submission sooner than the interval and beyond the limit, naming the rule, the count and the next allowed time', async () => {
    await setUp(t!, 'limited', 'title: Limited\ndue: +7d\nsubmissions:\n  maxAttempts: 3\n  minInterval: 10m\n');
    const alice = await t!.connect('alice');
    const first = await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'limited' });
    assert.deepEqual(first.attempts, { used: 1, extra: 0, allowed: 3, remaining: 2, nextAllowedAt: '2026-11-20T10:10:00.000Z' });

    clock.advance(4 * MINUTE);
    const tooSoon = await limitRefusal(alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'limited' }));
    assert.equal(tooSoon.data.rule, 'minInterval');
    assert.match(tooSoon.message, /one official submission every 10 minutes \(1 of 3 used\): the next is allowed at 2026-11-20T10:10:00.000Z/);
    assert.deepEqual(tooSoon.data.attempts, { used: 1, extra: 0, allowed: 3, remaining: 2, nextAllowedAt: '2026-11-20T10:10:00.000Z' });
    assert.equal(await submissionsOf(alice, 'limited'), 1, 'the refused submission was not stored');

    const listed = (await alice.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'limited')!;
    assert.deepEqual(listed.submissionLimits, { maxAttempts: 3, minIntervalSeconds: 600 });
    assert.deepEqual(listed.attempts, { used: 1, extra: 0, allowed: 3, remaining: 2, nextAllowedAt: '2026-11-20T10:10:00.000Z' });

    clock.advance(6 * MINUTE);
    assert.equal((await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'limited' })).attempts?.remaining, 1);
    clock.advance(10 * MINUTE);
    assert.equal((await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'limited' })).attempts?.remaining, 0);
    clock.advance(60 * MINUTE);
    const spent = await limitRefusal(alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'limited' }));
    assert.equal(spent.data.rule, 'maxAttempts');
    assert.match(spent.message, /limited allows 3 official submissions and you have used 3: no submissions are left/);
    assert.equal(await submissionsOf(alice, 'limited'), 3);

    // Another student's count is their own.
    const bob = await t!.connect('bob');
    assert.equal((await bob.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'limited' })).attempts?.remaining, 2);
  });

  it('lets staff grant extra attempts (audit-logged), and refuses a student granting their own', async () => {
    await setUp(t!, 'once', 'title: Once\ndue: +7d\nsubmissions:\n  maxAttempts: 1\n');
    const alice = await t!.connect('alice');
    await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'once' });
    await limitRefusal(alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'once' }));
    const auditBefore = (await t!.hub.store.audit.list('cs101')).length;

    // The student themself, and a professor of another course: refused, nothing written.
    await assert.rejects(alice.request(GrantAttemptsRequest.type, { courseId: 'cs101', assignmentId: 'once', studentId: 'alice', extra: 5 }), refusal('Forbidden', /only the staff of course cs101/));
    const olga = await t!.connect('olga');
    await assert.rejects(olga.request(GrantAttemptsRequest.type, { courseId: 'cs101', assignmentId: 'once', studentId: 'alice', extra: 5 }), refusal('Forbidden'));
    assert.equal((await t!.hub.store.attempts.get({ courseId: 'cs101', assignmentId: 'once', studentId: 'alice' })).extra, 0);
    assert.equal((await t!.hub.store.audit.list('cs101')).length, auditBefore);
    await limitRefusal(alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'once' }));

    // An assistant grants two more.
    const tara = await t!.connect('tara');
    const granted = await tara.request(GrantAttemptsRequest.type, { courseId: 'cs101', assignmentId: 'once', studentId: 'alice', extra: 2, comment: 'server trouble' });
    assert.deepEqual(granted.assignment.attempts, { used: 1, extra: 2, allowed: 3, remaining: 2 });
    const entry = (await t!.hub.store.audit.list('cs101')).find((e) => e.action === 'submission.attempts.grant');
    assert.ok(entry, 'the grant is audit-logged');
    assert.equal(entry.actorId, 'tara');
    const mine = (await alice.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'once')!;
    assert.equal(mine.attempts?.remaining, 2);
    assert.equal((await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'once' })).attempts?.remaining, 1);
    const after = await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'once' });
    assert.equal(after.attempts?.remaining, 0);
    const spent = await limitRefusal(alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'once' }));
    assert.match(spent.message, /allows 3 official submissions \(1 \+ 2 granted\) and you have used 3/);

    // Nothing to grant on an assignment without a limit, or to a non-student.
    const prof = await t!.connect('prof');
    await assert.rejects(prof.request(GrantAttemptsRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'alice', extra: 1 }), refusal('InvalidParams', /has no attempt limit/));
    await assert.rejects(prof.request(GrantAttemptsRequest.type, { courseId: 'cs101', assignmentId: 'once', studentId: 'dave', extra: 1 }), refusal('NotFound', /dave is not a student of course cs101/));
    await assert.rejects(prof.request(GrantAttemptsRequest.type, { courseId: 'cs101', assignmentId: 'nope', studentId: 'alice', extra: 1 }), refusal('NotFound'));
  });

  it('refuses malformed and huge grants and spoofed times, writing nothing', async () => {
    await setUp(t!, 'once', 'title: Once\ndue: +7d\nsubmissions:\n  maxAttempts: 1\n  minInterval: 1h\n');
    const prof = await t!.connect('prof');
    const alice = await t!.connect('alice');
    const auditBefore = (await t!.hub.store.audit.list('cs101')).length;
    const base = { courseId: 'cs101', assignmentId: 'once', studentId: 'alice' };
    for (const extra of [0, -1, 101, 1.5, 1e12, '5', null]) {
      const r = await refusalOf(prof.request(GrantAttemptsRequest.type, { ...base, extra } as never));
      assert.equal(r.code, 'InvalidParams', `extra ${String(extra)}: ${r.message}`);
    }
    assert.equal((await refusalOf(prof.request(GrantAttemptsRequest.type, { ...base, extra: 1, comment: 'x'.repeat(200_000) }))).code, 'InvalidParams');
    assert.equal((await refusalOf(prof.request(GrantAttemptsRequest.type, { ...base, studentId: '../../etc', extra: 1 }))).code, 'InvalidParams');
    assert.equal((await t!.hub.store.attempts.get(base)).extra, 0);
    assert.equal((await t!.hub.store.audit.list('cs101')).length, auditBefore);

    // Times come from the hub's clock only: a client's idea of "now" is not a parameter.
    await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'once' });
    for (const spoof of [{ submittedAt: '2020-01-01T00:00:00.000Z' }, { serverTime: '2099-01-01T00:00:00.000Z' }, { now: 0, attempts: { used: 0 } }]) {
      const r = await refusalOf(alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'once', ...spoof } as never));
      assert.ok(r.code === 'InvalidParams' || r.code === 'SubmissionLimit', `${JSON.stringify(spoof)}: ${r.code} ${r.message}`);
    }
    assert.equal(await submissionsOf(alice, 'once'), 1);
    assert.equal((await t!.hub.store.attempts.get(base)).used, 1);
  });

  it('refuses an assignment.yaml with a bad limit, naming it', async () => {
    const prof = await t!.connect('prof');
    for (const [yaml, text] of [
      ['submissions:\n  minInterval: soon\n', /submissions.minInterval `soon` is not a duration/],
      ['submissions:\n  minInterval: 30d\n', /must lie between 1s and 7d/],
      ['submissions:\n  maxAttempts: 0\n', /maxAttempts/],
      ['submissions:\n  retries: 3\n', /retries|additional/i],
    ] as const) {
      await assert.rejects(
        prof.request(UpsertAssignmentRequest.type, { courseId: 'cs101', assignmentId: 'bad', files: cSumWith(`title: Bad\ndue: +7d\n${yaml}`) }),
        refusal('InvalidParams', text),
      );
    }
    assert.equal(await t!.hub.store.assignments.get('cs101', 'bad'), undefined);
  });
});

describe('two submissions racing for the last attempt', function () {
  this.timeout(180_000);
  for (const target of DATABASE_TARGETS) {
    it(`takes exactly one of them (${target.name})`, async function () {
      const db = await hubDatabase(this, target);
      const t = await startTestHub({ databaseUrl: db.databaseUrl });
      try {
        await setUp(t, 'race', 'title: Race\ndue: +7d\nsubmissions:\n  maxAttempts: 2\n');
        const alice = await t.connect('alice');
        await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'race' });
        const others = await Promise.all([1, 2, 3].map(() => t.connect('alice')));
        const outcomes = await Promise.allSettled([alice, ...others].map((c) => c.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'race' })));
        const taken = outcomes.filter((o) => o.status === 'fulfilled');
        assert.equal(taken.length, 1, `exactly one took the last attempt: ${outcomes.map((o) => (o.status === 'fulfilled' ? 'taken' : String((o.reason as Error).message))).join(' | ')}`);
        for (const o of outcomes) if (o.status === 'rejected') assert.equal((o.reason as ProtocolError).code, ErrorCode.SubmissionLimit, String(o.reason));
        assert.equal(await submissionsOf(alice, 'race'), 2);
        assert.equal((await t.hub.store.attempts.get({ courseId: 'cs101', assignmentId: 'race', studentId: 'alice' })).used, 2);
      } finally {
        await t.close();
        await db.drop();
      }
    });
  }
});
