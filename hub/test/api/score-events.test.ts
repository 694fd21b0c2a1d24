// Scores that tell students the truth, against a real hub and the grader
// engine: only the submission that counts (the latest) is announced as the
// student's score; a regrade or override of an older one updates its history
// silently; an override is checked against the maximum and the assignment's
// bonus policy, and its comment reaches the student; hidden tests keep their
// names from students unless the assignment shows them.

import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ErrorCode,
  GetResultRequest,
  ListAssignmentsRequest,
  OverrideScoreRequest,
  ProtocolError,
  RegradeRequest,
  SubmitRequest,
  UpsertAssignmentRequest,
} from '@classpod/protocol';
import { folderAsUpload } from '../support/hub-api-methods';
import type { TestClient } from '../support/test-client';
import { DEMO_COURSE_DIR, startTestHub, type TestHub } from '../support/test-hub';
import { gradeJob, TestWorkerConnection } from '../support/test-worker';
import { LocalWorkspaceProvider } from '../../src/workspaces/local/local-provider';

const C_SUM = join(DEMO_COURSE_DIR, 'assignments/c-sum');

describe('score events and overrides as the student sees them', function () {
  this.timeout(180_000);
  let t: TestHub;
  let w: TestWorkerConnection;
  let alice: TestClient;
  let prof: TestClient;
  let older: string;
  let latest: string;
  const scratch: string[] = [];

  const workspaceFile = (student: string, path: string): string =>
    join((t.hub.provider as LocalWorkspaceProvider).workspaceDir({ courseId: 'cs101', studentId: student }), path);
  /** Lease and grade the next job; resolves with its submission. */
  const gradeNext = async (): Promise<string> => {
    const job = await w.lease();
    assert.ok(job, 'a job is queued');
    assert.equal(await w.report(job, await gradeJob(job)), true);
    return job.submissionId;
  };
  const scoreEvents = (client: TestClient, submissionId: string): Array<Record<string, unknown>> =>
    client.events.filter((e) => e.method === 'events/scoreChanged' && e.params.submissionId === submissionId).map((e) => e.params);
  const mine = async (assignmentId = 'c-sum') => (await alice.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === assignmentId)!;
  const refused = (pattern: RegExp) => (err: unknown) => err instanceof ProtocolError && err.code === ErrorCode.InvalidParams && pattern.test(err.message);

  before(async () => {
    t = await startTestHub();
    await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: 'alice' });
    alice = await t.connect('alice');
    prof = await t.connect('prof');
    w = await TestWorkerConnection.connect(t.hub.url, t.tokens.grader!);
    // An older submission of the solution (full marks) and a latest one of the starter (low marks).
    copyFileSync(join(C_SUM, 'solution/sum.c'), workspaceFile('alice', 'c-sum/sum.c'));
    older = (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission.id;
    assert.equal(await gradeNext(), older);
    await new Promise((r) => setTimeout(r, 20)); // a later hub time
    copyFileSync(join(C_SUM, 'starter/sum.c'), workspaceFile('alice', 'c-sum/sum.c'));
    latest = (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission.id;
    assert.equal(await gradeNext(), latest);
    await alice.waitForEvent('events/scoreChanged', (p) => p.submissionId === latest && p.cause === 'graded');
  });
  after(async () => {
    w?.close();
    await t?.close();
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });

  it('announces a grade as the student\'s score only for the submission that counts', async () => {
    const [first] = scoreEvents(alice, older);
    const [second] = scoreEvents(alice, latest);
    assert.equal(first!.counts, true, 'when it was graded, the older submission was the latest');
    assert.equal(second!.counts, true);
    assert.equal((await mine()).score, second!.score);
    assert.ok((second!.score as number) < (first!.score as number), 'the latest (starter) scores lower than the older (solution)');
  });

  it('regrades an older submission without a headline: its history changes, the student\'s score does not', async () => {
    const before = await mine();
    const heard = scoreEvents(alice, older).length;
    assert.deepEqual((await prof.request(RegradeRequest.type, { courseId: 'cs101', submissionId: older })).queued, [older]);
    assert.equal(await gradeNext(), older);
    await alice.waitForEvent('events/scoreChanged', () => scoreEvents(alice, older).length > heard);
    const regraded = scoreEvents(alice, older)[heard]!;
    assert.equal(regraded.cause, 'graded');
    assert.equal(regraded.counts, false, 'the event says the submission does not count');
    assert.equal(regraded.score, 100, 'it carries the older submission\'s own score, for its history');
    const after = await mine();
    assert.equal(after.score, before.score, 'the headline score is unchanged');
    assert.equal(after.latestSubmissionId, latest);
    const oldResult = (await alice.request(GetResultRequest.type, { submissionId: older })).result;
    assert.equal(oldResult.counts, false);
    assert.equal(oldResult.score, 100);
    assert.equal((await alice.request(GetResultRequest.type, { submissionId: latest })).result.counts, true);
  });

  it('overrides an older submission without a headline either', async () => {
    await prof.request(OverrideScoreRequest.type, { submissionId: older, score: 42, comment: 'history only' });
    const e = await alice.waitForEvent('events/scoreChanged', (p) => p.submissionId === older && p.cause === 'override');
    assert.equal(e.counts, false);
    assert.notEqual((await mine()).score, 42);
  });

  it('refuses an override of 150/100, and a negative one, saying what is allowed', async () => {
    await assert.rejects(
      prof.request(OverrideScoreRequest.type, { submissionId: latest, score: 150, comment: 'generous' }),
      refused(/score 150 is above the maximum of 100 for c-sum; to give bonus points, set scores\.bonusPoints/),
    );
    await assert.rejects(prof.request(OverrideScoreRequest.type, { submissionId: latest, score: -5, comment: 'harsh' }), (err: unknown) => err instanceof ProtocolError && err.code === ErrorCode.InvalidParams);
    const s = (await alice.request(GetResultRequest.type, { submissionId: latest })).result;
    assert.equal(s.override, undefined, 'nothing was recorded');
    assert.equal(scoreEvents(alice, latest).filter((p) => p.cause === 'override').length, 0, 'nothing was announced');
    // The maximum itself is fine.
    await prof.request(OverrideScoreRequest.type, { submissionId: latest, score: 100, comment: 'full marks' });
  });

  it('sends the override comment to the student: in the event, the assignment list and the result', async () => {
    const comment = 'Correct; the checker missed a trailing newline.';
    await prof.request(OverrideScoreRequest.type, { submissionId: latest, score: 90, comment });
    const e = await alice.waitForEvent('events/scoreChanged', (p) => p.submissionId === latest && (p.override as { comment?: string } | undefined)?.comment === comment);
    assert.equal(e.counts, true);
    assert.equal(e.score, 90);
    const a = await mine();
    assert.equal(a.score, 90);
    assert.equal(a.override?.comment, comment);
    assert.equal(a.override?.authorId, 'prof');
    const r = (await alice.request(GetResultRequest.type, { submissionId: latest })).result;
    assert.equal(r.override?.comment, comment);
    assert.equal(r.score, 90);
  });

  it('lets an assignment allow bonus points, and shows hidden test names when it says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'classpod-bonus-'));
    scratch.push(dir);
    cpSync(C_SUM, join(dir, 'c-sum'), { recursive: true });
    const yaml = join(dir, 'c-sum', 'assignment.yaml');
    writeFileSync(yaml, `${readFileSync(yaml, 'utf8')}\nresults:\n  showHiddenNames: true\nscores:\n  bonusPoints: 10\n`);
    await prof.request(UpsertAssignmentRequest.type, { courseId: 'cs101', assignmentId: 'c-sum-bonus', files: folderAsUpload(join(dir, 'c-sum')) });
    const s = (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum-bonus' })).submission;
    assert.equal(await gradeNext(), s.id);
    await prof.request(OverrideScoreRequest.type, { submissionId: s.id, score: 110, comment: 'bonus for the extra tests' });
    await assert.rejects(
      prof.request(OverrideScoreRequest.type, { submissionId: s.id, score: 110.5, comment: 'too much' }),
      refused(/score 110\.5 is above 110: the maximum of c-sum-bonus is 100, and its bonus policy allows at most 10 more/),
    );
    const r = (await alice.request(GetResultRequest.type, { submissionId: s.id })).result;
    const hidden = r.tests.filter((x) => !x.public);
    assert.ok(hidden.length > 0 && hidden.every((x) => typeof x.name === 'string' && typeof x.group === 'string'), 'names shown, as the assignment says');
    assert.ok(hidden.every((x) => x.message === undefined), 'but still no details');
    const plain = (await alice.request(GetResultRequest.type, { submissionId: latest })).result.tests.filter((x) => !x.public);
    assert.ok(plain.every((x) => x.name === undefined), 'the default keeps them unnamed');
    assert.deepEqual(plain.map((x) => x.hiddenIndex), [1, 2, 3, 4]);
  });
});
