// What staff actions do, seen from the students' side: a new assignment
// reaches existing workspaces, an extension shows in the student's own files,
// a regrade grades again and tells the student, an override wins over the
// graded score and appears in the grade book.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ExportGradesRequest,
  ExtendDeadlineRequest,
  FetchStarterRequest,
  ListAssignmentsRequest,
  OverrideScoreRequest,
  RegradeRequest,
  SubmitRequest,
  UpsertAssignmentRequest,
} from '@classpod/protocol';
import { DEMO_COURSE_DIR, startTestHub, type TestHub } from '../support/test-hub';
import { folderAsUpload } from '../support/hub-api-methods';
import { gradeJob, TestWorkerConnection } from '../support/test-worker';
import { LocalWorkspaceProvider } from '../../src/workspaces/local/local-provider';

describe('staff actions as students see them', function () {
  this.timeout(120_000);
  let t: TestHub;
  before(async () => {
    t = await startTestHub();
    await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: 'alice' });
  });
  after(async () => t?.close());

  const workspaceDir = (student: string): string => (t.hub.provider as LocalWorkspaceProvider).workspaceDir({ courseId: 'cs101', studentId: student });

  it('puts a new assignment into existing workspaces, starter files and public tests only', async () => {
    const prof = await t.connect('prof');
    const r = await prof.request(UpsertAssignmentRequest.type, { courseId: 'cs101', assignmentId: 'sum-again', files: folderAsUpload(join(DEMO_COURSE_DIR, 'assignments/c-sum')) });
    assert.equal(r.created, true);
    const dir = join(workspaceDir('alice'), 'sum-again');
    assert.equal(readFileSync(join(dir, 'sum.c'), 'utf8'), readFileSync(join(DEMO_COURSE_DIR, 'assignments/c-sum/starter/sum.c'), 'utf8'));
    assert.ok(existsSync(join(dir, '.classpod/tests/spec.json')));
    assert.ok(!existsSync(join(dir, 'solution')) && !existsSync(join(dir, 'grading')));
    assert.ok(!existsSync(join(workspaceDir('bob'), 'sum-again')), 'a workspace that does not exist yet gets it when first opened');
    const alice = await t.connect('alice');
    const starter = await alice.request(FetchStarterRequest.type, { courseId: 'cs101', assignmentId: 'sum-again' });
    const paths = starter.files.map((f) => f.path);
    for (const p of ['sum.c', '.classpod/assignment.json', '.classpod/README.md', '.classpod/tests/spec.json']) assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    assert.ok(starter.files.every((f) => !f.path.startsWith('solution/') && !f.path.startsWith('grading/')));
  });

  it("writes an extension into the student's own assignment.json", async () => {
    const prof = await t.connect('prof');
    const dueAt = new Date(Date.now() + 40 * 86_400_000).toISOString();
    await prof.request(ExtendDeadlineRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'alice', dueAt });
    const info = JSON.parse(readFileSync(join(workspaceDir('alice'), 'c-sum/.classpod/assignment.json'), 'utf8'));
    assert.equal(info.dueAt, dueAt);
    const alice = await t.connect('alice');
    const mine = (await alice.request(ListAssignmentsRequest.type, { courseId: 'cs101' })).assignments.find((a) => a.id === 'c-sum')!;
    assert.equal(mine.dueAt, dueAt);
    assert.equal(mine.extended, true);
  });

  it('regrades and tells the student again; an override wins and reaches the grade book', async () => {
    const alice = await t.connect('alice');
    const prof = await t.connect('prof');
    const s = (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission;
    const w = await TestWorkerConnection.connect(t.hub.url, t.tokens.grader!);
    try {
      const first = (await w.lease())!;
      assert.equal(await w.report(first, await gradeJob(first)), true);
      const graded = await alice.waitForEvent('events/scoreChanged', (p) => p.submissionId === s.id && p.cause === 'graded');
      assert.ok((graded.score as number) < (graded.maxScore as number), 'the starter code does not pass every test');

      assert.deepEqual((await prof.request(RegradeRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'alice' })).queued, [s.id]);
      const again = (await w.lease())!;
      assert.equal(again.submissionId, s.id);
      assert.notEqual(again.jobId, first.jobId);
      assert.equal(await w.report(again, await gradeJob(again)), true);
      const gradedEvents = (): number =>
        alice.events.filter((e) => e.method === 'events/scoreChanged' && e.params.submissionId === s.id && e.params.cause === 'graded').length;
      for (let i = 0; i < 300 && gradedEvents() < 2; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(gradedEvents(), 2, 'the regrade was announced');
    } finally {
      w.close();
    }
    await prof.request(OverrideScoreRequest.type, { submissionId: s.id, score: 77, comment: 'partial credit for the idea' });
    const o = await alice.waitForEvent('events/scoreChanged', (p) => p.submissionId === s.id && p.cause === 'override');
    assert.equal(o.score, 77);
    const csv = (await prof.request(ExportGradesRequest.type, { courseId: 'cs101' })).csv;
    assert.match(csv, /\r\nalice,Alice,,c-sum,[^,]+,false,0,graded,77,100,true,partial credit for the idea,1,[^\r]*\r\n/);
    const one = await prof.request(ExportGradesRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' });
    assert.equal(one.fileName, 'cs101-c-sum-grades.csv');
    assert.deepEqual(one.csv.trim().split('\r\n').slice(1).map((l) => l.split(',')[3]), ['c-sum', 'c-sum', 'c-sum']);
    await assert.rejects(prof.request(ExportGradesRequest.type, { courseId: 'cs101', assignmentId: 'nope' }), /no assignment nope in course cs101/);
  });
});
