// Rubrics against a real hub, real WebSockets and the grader engine: the
// demo's c-sum declares its rubric in assignment.yaml; staff apply and
// unapply items and the score the student, the gradebook, the grade export
// and the score events show is the test score plus the applied points,
// within [0, max]; an override still wins; professors edit the rubric and
// the scores follow. From the attacker's side: a student who applies an
// item, staff of another course, an item of another assignment, a
// submission that does not exist, huge and malformed requests — each refused
// with the reason, and nothing of it stored.

import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApplyRubricRequest,
  ExportGradesRequest,
  GetGradebookRequest,
  GetResultRequest,
  GetRubricRequest,
  GetSubmissionRubricRequest,
  ListAssignmentsRequest,
  ListAuditRequest,
  MAX_RUBRIC_ITEMS,
  OverrideScoreRequest,
  SetRubricRequest,
  SubmitRequest,
  UpsertAssignmentRequest,
} from '@classpod/protocol';
import { loadAssignmentFolder } from '../../src/assignments/assignment-folder';
import { folderAsUpload } from '../support/hub-api-methods';
import { submissionScore } from '../../src/grading/submission-score';
import { refusalOf as refusal } from '../support/refusals';
import type { TestClient } from '../support/test-client';
import { DEMO_COURSE_DIR, startTestHub, type TestHub } from '../support/test-hub';
import { gradeJob, TestWorkerConnection } from '../support/test-worker';
import { LocalWorkspaceProvider } from '../../src/workspaces/local/local-provider';

const C_SUM = join(DEMO_COURSE_DIR, 'assignments/c-sum');
const DEMO_RUBRIC = ['style', 'comments', 'no-input-check', 'magic-numbers'];

describe('rubrics', function () {
  this.timeout(180_000);
  let t: TestHub;
  let w: TestWorkerConnection;
  let prof: TestClient;
  let alice: TestClient;
  /** Alice's submission of the solution in 32-bit integers (it fails the big numbers), Bob's of the solution (full marks). */
  let aliceSub = '';
  let bobSub = '';
  let aliceTests = 0;

  const workspaceFile = (student: string, path: string): string =>
    join((t.hub.provider as LocalWorkspaceProvider).workspaceDir({ courseId: 'cs101', studentId: student }), path);
  const gradeNext = async (): Promise<string> => {
    const job = await w.lease();
    assert.ok(job, 'a job is queued');
    assert.equal(await w.report(job, await gradeJob(job)), true);
    return job.submissionId;
  };
  const result = async (who: TestClient, submissionId: string) => (await who.request(GetResultRequest.type, { submissionId })).result;
  const appliedIds = async (submissionId: string) => (await prof.request(GetSubmissionRubricRequest.type, { submissionId })).rubric.applied.map((a) => a.itemId);

  before(async () => {
    t = await startTestHub();
    for (const s of ['alice', 'bob']) await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: s });
    w = await TestWorkerConnection.connect(t.hub.url, t.tokens.grader!);
    prof = await t.connect('prof');
    alice = await t.connect('alice');
    const narrow = readFileSync(join(C_SUM, 'solution/sum.c'), 'utf8').replaceAll('long long', 'int').replaceAll('%lld', '%d');
    writeFileSync(workspaceFile('alice', 'c-sum/sum.c'), narrow);
    aliceSub = (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission.id;
    assert.equal(await gradeNext(), aliceSub);
    copyFileSync(join(C_SUM, 'solution/sum.c'), workspaceFile('bob', 'c-sum/sum.c'));
    bobSub = (await (await t.connect('bob')).request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission.id;
    assert.equal(await gradeNext(), bobSub);
    aliceTests = (await result(alice, aliceSub)).score!;
    assert.ok(aliceTests > 10 && aliceTests < 90, `32-bit sums score in the middle (${aliceTests})`);
    assert.equal((await result(prof, bobSub)).score, 100);
  });
  after(async () => {
    w?.close();
    await t?.close();
  });

  it('loads the rubric declared in assignment.yaml, in order', async () => {
    const { items, appliedTo } = await prof.request(GetRubricRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' });
    assert.deepEqual(items.map((i) => i.id), DEMO_RUBRIC);
    assert.deepEqual(appliedTo, {}, 'nothing is applied yet');
    assert.deepEqual(items[2], { id: 'no-input-check', points: -10, description: "Reads input without checking scanf's result" });
    const tara = await t.connect('tara');
    assert.deepEqual((await tara.request(GetRubricRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).items, items, 'assistants read it too');
    assert.deepEqual((await prof.request(GetRubricRequest.type, { courseId: 'cs101', assignmentId: 'py-primes' })).items, [], 'an assignment without one has none');
  });

  it("refuses an assignment.yaml whose rubric names an item twice, or has items that are not items", async () => {
    const work = mkdtempSync(join(tmpdir(), 'classpod-rubric-yaml-'));
    try {
      const folder = join(work, 'c-sum');
      cpSync(C_SUM, folder, { recursive: true });
      const yaml = readFileSync(join(folder, 'assignment.yaml'), 'utf8').replace(/rubric:[\s\S]*$/, '');
      const load = (rubric: string) => {
        writeFileSync(join(folder, 'assignment.yaml'), `${yaml}rubric:\n${rubric}`);
        return loadAssignmentFolder(folder, 'c-sum', t.hub.context.resolveSpec, new Date());
      };
      await assert.rejects(load('  - { id: a, points: 1, description: x }\n  - { id: a, points: 2, description: y }\n'), /c-sum\/assignment\.yaml: rubric item `a` is declared twice/);
      await assert.rejects(load('  - { id: a, points: ten, description: x }\n'), /rubric\/0\/points/);
      await assert.rejects(load('  - { id: a, points: 1, description: x, not what: y }\n'), /rubric\/0/);
      await assert.rejects(load('  - { id: ../a, points: 1, description: x }\n'), /rubric\/0\/id/);
      assert.deepEqual((await load('  - { id: a, points: -2.5, description: x }\n')).rubric, [{ id: 'a', points: -2.5, description: 'x' }]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('adds applied items to the test score everywhere the score is shown, and audit-logs each', async () => {
    const tara = await t.connect('tara');
    const { rubric, submission } = await tara.request(ApplyRubricRequest.type, { submissionId: aliceSub, apply: ['style', 'no-input-check'] });
    assert.deepEqual(rubric.applied.map((a) => [a.itemId, a.points, a.appliedBy, a.appliedByName]), [['style', 5, 'tara', 'Tara (assistant)'], ['no-input-check', -10, 'tara', 'Tara (assistant)']]);
    assert.equal(rubric.points, -5);
    const expected = aliceTests - 5;
    assert.equal(submission.score, expected);
    assert.equal(submission.rubricPoints, -5);

    const event = await alice.waitForEvent('events/scoreChanged', (p) => p.submissionId === aliceSub && p.cause === 'rubric');
    assert.deepEqual([event.score, event.rubricPoints, event.counts], [expected, -5, true]);
    const r = await result(alice, aliceSub);
    assert.deepEqual([r.rawScore !== undefined, r.score, r.rubricPoints], [true, expected, -5]);
    const mine = (await alice.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'c-sum')!;
    assert.equal(mine.score, expected);
    const own = (await alice.request(GetSubmissionRubricRequest.type, { submissionId: aliceSub })).rubric;
    assert.deepEqual(own.applied.map((a) => a.itemId), ['style', 'no-input-check'], 'the student reads the rubric of their own submission');
    assert.deepEqual(own.items.map((i) => i.id), DEMO_RUBRIC);

    const book = await prof.request(GetGradebookRequest.type, { courseId: 'cs101' });
    const cell = book.cells.find((c) => c.studentId === 'alice' && c.assignmentId === 'c-sum')!;
    assert.deepEqual([cell.score, cell.rubricPoints], [expected, -5]);
    const csv = (await prof.request(ExportGradesRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).csv.split('\r\n');
    const header = csv[0]!.split(',');
    const row = csv.find((l) => l.startsWith('alice,'))!.split(',');
    assert.equal(row[header.indexOf('score')], String(expected));
    assert.equal(row[header.indexOf('rubric_points')], '-5');

    const audit = (await prof.request(ListAuditRequest.type, { courseId: 'cs101' })).entries.filter((e) => e.action === 'rubric.apply');
    assert.deepEqual(audit.map((e) => [e.actorId, e.target, JSON.parse(e.detail!).item]).sort(), [['tara', aliceSub, 'no-input-check'], ['tara', aliceSub, 'style']]);
  });

  it('unapplies, changes nothing when asked to apply what is applied, and clamps to [0, max]', async () => {
    const { submission } = await prof.request(ApplyRubricRequest.type, { submissionId: aliceSub, apply: ['style'], unapply: ['no-input-check'] });
    assert.equal(submission.score, aliceTests + 5);
    assert.deepEqual(await appliedIds(aliceSub), ['style']);
    const unapplied = (await prof.request(ListAuditRequest.type, { courseId: 'cs101' })).entries.filter((e) => e.action === 'rubric.unapply');
    assert.equal(unapplied.length, 1);
    assert.equal((await prof.request(ApplyRubricRequest.type, { submissionId: bobSub, apply: ['style', 'comments'] })).submission.score, 100, 'no more than the maximum');
    assert.equal((await prof.request(ApplyRubricRequest.type, { submissionId: aliceSub, unapply: ['style'] })).submission.rubricPoints, undefined, 'nothing applied: no rubric points');
    // Deductions below zero stop at zero.
    assert.equal(submissionScore({ rawScore: 4, penaltyPercent: 0, rubricPoints: -15, maxScore: 100 }), 0);
    assert.equal(submissionScore({ rawScore: 50, penaltyPercent: 10, rubricPoints: 5, maxScore: 100 }), 50);
    assert.equal(submissionScore({ rawScore: undefined, penaltyPercent: 0, rubricPoints: 5, maxScore: 100 }), undefined, 'no test score yet: no score');
  });

  it('lets an override win over the rubric, and the rubric count again when it is removed', async () => {
    await prof.request(ApplyRubricRequest.type, { submissionId: aliceSub, apply: ['comments'] });
    await prof.request(OverrideScoreRequest.type, { submissionId: aliceSub, score: 77, comment: 'by hand' });
    assert.equal((await result(alice, aliceSub)).score, 77);
    assert.equal((await prof.request(ApplyRubricRequest.type, { submissionId: aliceSub, apply: ['style'] })).submission.score, 77);
    await prof.request(OverrideScoreRequest.type, { submissionId: aliceSub, comment: 'back to the rubric' });
    assert.equal((await result(alice, aliceSub)).score, aliceTests + 10);
  });

  it('lets professors edit the rubric: changed points rescore the submissions they are applied to, removed items are unapplied', async () => {
    const items = [
      { id: 'style', points: 8, description: 'Clear names and consistent indentation' },
      { id: 'no-input-check', points: -10, description: "Reads input without checking scanf's result" },
    ];
    const counted: Record<string, number> = {};
    for (const id of [...(await appliedIds(aliceSub)), ...(await appliedIds(bobSub))]) counted[id] = (counted[id] ?? 0) + 1;
    assert.ok(counted.comments, 'comments is applied before it is removed');
    const tara = await t.connect('tara');
    assert.deepEqual((await tara.request(GetRubricRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).appliedTo, counted, 'staff read where each item is applied');
    const { rescored } = await prof.request(SetRubricRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', items });
    assert.equal(rescored, 2, "Alice's and Bob's submissions have style applied");
    assert.deepEqual(await appliedIds(aliceSub), ['style'], 'comments was removed from the rubric and from the submission');
    assert.equal((await result(alice, aliceSub)).score, aliceTests + 8);
    await alice.waitForEvent('events/scoreChanged', (p) => p.submissionId === aliceSub && p.score === aliceTests + 8);
    const audit = (await prof.request(ListAuditRequest.type, { courseId: 'cs101' })).entries.filter((e) => e.action === 'rubric.set');
    assert.equal(audit.length, 1);
    assert.deepEqual((await prof.request(GetRubricRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).appliedTo, { style: 2 }, 'a removed item is applied nowhere');
    assert.deepEqual(await refusal(tara.request(SetRubricRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', items: [] })), { code: 'Forbidden', message: 'only professors of course cs101 may do this' });
  });

  it('refuses a student who applies an item, staff of another course, and anyone who reads another student\'s rubric; nothing is stored', async () => {
    const before = await appliedIds(aliceSub);
    for (const who of ['alice', 'bob']) {
      assert.deepEqual(await refusal((await t.connect(who)).request(ApplyRubricRequest.type, { submissionId: aliceSub, apply: ['no-input-check'] })), { code: 'Forbidden', message: 'only the staff of course cs101 may do this' }, who);
      assert.equal((await refusal((await t.connect(who)).request(SetRubricRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', items: [] }))).code, 'Forbidden');
      assert.equal((await refusal((await t.connect(who)).request(GetRubricRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' }))).code, 'Forbidden');
    }
    assert.deepEqual(await refusal((await t.connect('bob')).request(GetSubmissionRubricRequest.type, { submissionId: aliceSub })), { code: 'Forbidden', message: 'you may see only your own work' });
    for (const who of ['olga', 'dave']) {
      assert.equal((await refusal((await t.connect(who)).request(ApplyRubricRequest.type, { submissionId: aliceSub, apply: ['no-input-check'] }))).code, 'Forbidden', who);
      assert.equal((await refusal((await t.connect(who)).request(GetSubmissionRubricRequest.type, { submissionId: aliceSub }))).code, 'Forbidden', who);
      assert.equal((await refusal((await t.connect(who)).request(SetRubricRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', items: [] }))).code, 'Forbidden', who);
    }
    assert.deepEqual(await appliedIds(aliceSub), before);
    assert.equal((await prof.request(GetRubricRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).items.length, 2);
  });

  it('refuses an item of another assignment, unknown submissions and malformed or huge requests; nothing is stored', async () => {
    await prof.request(SetRubricRequest.type, { courseId: 'cs101', assignmentId: 'py-primes', items: [{ id: 'docstrings', points: 3, description: 'Every function has a docstring' }] });
    const before = await appliedIds(aliceSub);
    const tries: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ apply: ['docstrings'] }, 'NotFound', /the rubric of c-sum has no item docstrings/],
      [{ unapply: ['nope'] }, 'NotFound', /no item nope/],
      [{}, 'InvalidParams', /name the rubric items/],
      [{ apply: [], unapply: [] }, 'InvalidParams', /name the rubric items/],
      [{ apply: ['style'], unapply: ['style'] }, 'InvalidParams', /both applied and unapplied/],
      [{ apply: ['../etc'] }, 'InvalidParams', /apply/],
      [{ apply: ['x'.repeat(65)] }, 'InvalidParams', /apply/],
      [{ apply: Array.from({ length: MAX_RUBRIC_ITEMS + 1 }, (_, i) => `i${i}`) }, 'InvalidParams', /apply/],
      [{ apply: 'style' }, 'InvalidParams', /apply/],
      [{ submissionId: 'no-such', apply: ['style'] }, 'NotFound', /no submission no-such/],
      [{ submissionId: '../x', apply: ['style'] }, 'InvalidParams', /submissionId/],
    ];
    for (const [params, code, message] of tries) {
      const r = await refusal(prof.endpoint.request(ApplyRubricRequest.type, { submissionId: aliceSub, ...params } as never));
      assert.equal(r.code, code, `${JSON.stringify(params).slice(0, 80)}: ${r.message}`);
      assert.match(r.message, message);
      assert.doesNotMatch(r.message, /\/tmp\/|\/work\//, 'no host path in the refusal');
    }
    assert.deepEqual(await appliedIds(aliceSub), before);

    const rubricBefore = (await prof.request(GetRubricRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).items;
    const badSets: Array<[unknown, string, RegExp]> = [
      [[{ id: 'a', points: 1, description: 'x' }, { id: 'a', points: 2, description: 'y' }], 'InvalidParams', /rubric item a is named twice/],
      [[{ id: 'a', points: 1, description: '   ' }], 'InvalidParams', /needs a description/],
      [[{ id: 'a', points: 1e9, description: 'x' }], 'InvalidParams', /points/],
      [[{ id: 'a', points: 'ten', description: 'x' }], 'InvalidParams', /points/],
      [[{ id: 'a', points: 1, description: 'x'.repeat(501) }], 'InvalidParams', /description/],
      [Array.from({ length: MAX_RUBRIC_ITEMS + 1 }, (_, i) => ({ id: `i${i}`, points: 1, description: 'x' })), 'InvalidParams', /items/],
      [[{ id: 'a', points: 1, description: 'x', extra: 1 }], 'InvalidParams', /items/],
    ];
    for (const [items, code, message] of badSets) {
      const r = await refusal(prof.endpoint.request(SetRubricRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', items } as never)).catch((err: Error) => assert.fail(`${JSON.stringify(items).slice(0, 80)}: ${err.message}`));
      assert.equal(r.code, code, r.message);
      assert.match(r.message, message);
    }
    assert.equal((await refusal(prof.request(SetRubricRequest.type, { courseId: 'cs101', assignmentId: 'nope', items: [] }))).code, 'NotFound');
    assert.equal((await refusal(prof.request(SetRubricRequest.type, { courseId: 'cs202', assignmentId: 'c-sum', items: [] }))).code, 'Forbidden');
    assert.deepEqual((await prof.request(GetRubricRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).items, rubricBefore);
  });

  it('rescores and announces when the assignment is published again with another rubric in its assignment.yaml', async () => {
    assert.deepEqual(await appliedIds(aliceSub), ['style']);
    const work = mkdtempSync(join(tmpdir(), 'classpod-rubric-republish-'));
    try {
      const folder = join(work, 'c-sum');
      cpSync(C_SUM, folder, { recursive: true });
      const yaml = readFileSync(join(folder, 'assignment.yaml'), 'utf8').replace(/rubric:[\s\S]*$/, '');
      writeFileSync(join(folder, 'assignment.yaml'), `${yaml}rubric:\n  - { id: style, points: 3, description: Clear names }\n`);
      await prof.request(UpsertAssignmentRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', files: folderAsUpload(folder) });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    assert.deepEqual((await prof.request(GetRubricRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).items, [{ id: 'style', points: 3, description: 'Clear names' }]);
    assert.equal((await result(alice, aliceSub)).score, aliceTests + 3);
    const event = await alice.waitForEvent('events/scoreChanged', (p) => p.submissionId === aliceSub && p.score === aliceTests + 3);
    assert.deepEqual([event.cause, event.rubricPoints], ['rubric', 3], 'Alice hears her new score, with the rubric as its cause');
  });
});
