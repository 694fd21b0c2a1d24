// Hidden tests revealed after the deadline (`results.revealHiddenAfterDeadline`),
// against a real hub with its clock in the test's hand: before the last moment
// a student could submit (the cut-off, their extension included) they read
// "hidden test 2 of 4"; after it, names and verdicts, and never the test's
// input, expected output, messages or differences.

import assert from 'node:assert/strict';
import { ExtendDeadlineRequest, GetResultRequest, ListAssignmentsRequest, SubmitRequest, UpdateCourseRequest, UpsertAssignmentRequest, type GradingResult } from '@classpod/protocol';
import { ManualClock } from '../../src/time/clock';
import { cSumWith } from '../support/assignment-uploads';
import { startTestHub, type TestHub } from '../support/test-hub';
import type { TestClient } from '../support/test-client';
import { gradeJob, TestWorkerConnection } from '../support/test-worker';

const DAY = 86_400_000;
const HIDDEN = ['empty', 'single', 'overflow', 'large'];

describe('hidden tests revealed after the deadline', function () {
  this.timeout(180_000);
  let t: TestHub | undefined;
  let clock: ManualClock;
  const start = new Date('2026-11-20T10:00:00.000Z');
  before(async () => {
    clock = new ManualClock(start);
    t = await startTestHub({ clock });
    for (const s of ['alice', 'bob']) await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: s });
    const prof = await t.connect('prof');
    const yaml = 'title: Reveal\ndue: +1d\nlate:\n  penaltyPercentPerDay: 10\n  cutoff: +1d\nresults:\n  revealHiddenAfterDeadline: true\n';
    await prof.request(UpsertAssignmentRequest.type, { courseId: 'cs101', assignmentId: 'reveal', files: cSumWith(yaml) });
    await prof.request(ExtendDeadlineRequest.type, { courseId: 'cs101', assignmentId: 'reveal', studentId: 'bob', dueAt: new Date(start.getTime() + 3 * DAY).toISOString() });
  });
  after(async () => t?.close());

  const ids: Record<string, string> = {};
  const resultOf = async (who: string): Promise<GradingResult> => (await (await t!.connect(who)).request(GetResultRequest.type, { submissionId: ids[who.startsWith('p') ? 'alice' : who]! })).result;
  const hiddenOf = (r: GradingResult) => r.tests.filter((x) => !x.public);
  const assertHidden = (r: GradingResult, who: string): void => {
    assert.equal(r.hiddenTests, 4);
    assert.equal(r.hiddenRevealed, undefined, who);
    assert.deepEqual(hiddenOf(r).map((x) => [x.name, x.hiddenIndex]), [[undefined, 1], [undefined, 2], [undefined, 3], [undefined, 4]], who);
  };
  const assertRevealed = (r: GradingResult, who: string): void => {
    assert.equal(r.hiddenRevealed, true, who);
    assert.deepEqual(hiddenOf(r).map((x) => x.name), HIDDEN, who);
    for (const x of hiddenOf(r)) {
      assert.ok(x.verdict && x.group, `${who}: ${x.name} has its verdict and group`);
      assert.equal(x.message, undefined, `${who}: no message for hidden ${x.name}`);
      assert.equal(x.diff, undefined, `${who}: no difference for hidden ${x.name}`);
    }
    const hiddenJson = JSON.stringify(hiddenOf(r));
    assert.ok(!/stdin|expected|actual/i.test(hiddenJson), `no test data in ${hiddenJson}`);
  };

  it('grades two submissions, one of a student with an extension', async () => {
    const w = await TestWorkerConnection.connect(t!.hub.url, t!.tokens.grader!);
    try {
      for (const who of ['alice', 'bob']) {
        const c: TestClient = await t!.connect(who);
        ids[who] = (await c.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'reveal' })).submission.id;
        const job = (await w.lease())!;
        assert.equal(await w.report(job, await gradeJob(job)), true);
      }
    } finally {
      w.close();
    }
    for (const who of ['alice', 'bob']) assertHidden(await resultOf(who), who);
    const prof = await resultOf('prof');
    assert.deepEqual(hiddenOf(prof).map((x) => x.name), HIDDEN, 'staff always read the names');
    const alice = await t!.connect('alice');
    const listed = (await alice.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'reveal')!;
    assert.equal(listed.hiddenRevealAt, new Date(start.getTime() + 2 * DAY).toISOString(), 'revealed at the cut-off');
  });

  it('keeps them hidden after the due time while late submissions are still taken', async () => {
    clock.set(start.getTime() + 1.5 * DAY);
    assertHidden(await resultOf('alice'), 'alice');
  });

  it("reveals names and verdicts after the cut-off, but not before a student's own extended cut-off", async () => {
    clock.set(start.getTime() + 2 * DAY + 60_000);
    assertRevealed(await resultOf('alice'), 'alice');
    assertHidden(await resultOf('bob'), 'bob, whose cut-off moved with his extension');
    const bob = await t!.connect('bob');
    const listed = (await bob.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'reveal')!;
    assert.equal(listed.hiddenRevealAt, new Date(start.getTime() + 4 * DAY).toISOString());
    clock.set(start.getTime() + 4 * DAY + 60_000);
    assertRevealed(await resultOf('bob'), 'bob');
  });

  it('never reveals them on an assignment that does not say so', async () => {
    const alice = await t!.connect('alice');
    const listed = (await alice.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'c-sum')!;
    assert.equal(listed.hiddenRevealAt, undefined);
  });
});

describe('hidden tests revealed after the deadline, with late days', function () {
  this.timeout(180_000);
  let t: TestHub | undefined;
  let clock: ManualClock;
  const start = new Date('2026-11-20T10:00:00.000Z');
  before(async () => {
    clock = new ManualClock(start);
    t = await startTestHub({ clock });
    await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: 'alice' });
    const prof = await t.connect('prof');
    await prof.request(UpdateCourseRequest.type, { courseId: 'cs101', lateDays: 2 });
    const yaml = 'title: Reveal\ndue: +1d\nlate:\n  penaltyPercentPerDay: 10\n  cutoff: +1d\nresults:\n  revealHiddenAfterDeadline: true\n';
    await prof.request(UpsertAssignmentRequest.type, { courseId: 'cs101', assignmentId: 'reveal', files: cSumWith(yaml) });
  });
  after(async () => t?.close());

  const hiddenNames = async (submissionId: string): Promise<Array<string | undefined>> =>
    (await (await t!.connect('alice')).request(GetResultRequest.type, { submissionId })).result.tests.filter((x) => !x.public).map((x) => x.name);

  it('keeps the names from a student whose late days still let her submit after the cut-off, and reveals them when they no longer do', async () => {
    const alice = await t!.connect('alice');
    const submit = async (): Promise<string> => (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'reveal' })).submission.id;
    const w = await TestWorkerConnection.connect(t!.hub.url, t!.tokens.grader!);
    const graded = async (id: string): Promise<string> => {
      const job = (await w.lease())!;
      assert.equal(await w.report(job, await gradeJob(job)), true);
      assert.equal(job.submissionId, id);
      return id;
    };
    try {
      const first = await graded(await submit());
      const listed = (await alice.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'reveal')!;
      assert.equal(listed.hiddenRevealAt, new Date(start.getTime() + 4 * DAY).toISOString(), 'the cut-off moved by her two late days');
      // An hour past the cut-off: her late days still take a submission, so the names stay hidden…
      clock.set(start.getTime() + 2 * DAY + 3_600_000);
      assert.deepEqual(await hiddenNames(first), [undefined, undefined, undefined, undefined]);
      // …and she can indeed still hand in (two late days spent).
      const late = await graded(await submit());
      assert.deepEqual(await hiddenNames(late), [undefined, undefined, undefined, undefined]);
      // After the last moment her late days cover: revealed.
      clock.set(start.getTime() + 4 * DAY + 60_000);
      await assert.rejects(alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'reveal' }), /stopped taking submissions/);
      assert.deepEqual(await hiddenNames(late), HIDDEN);
    } finally {
      w.close();
    }
  });
});
