// `grades/book` against a real hub over real WebSockets: the staff of a course
// get its whole grid in one answer (late, overridden, extended, not started,
// the submission that counts), and everybody else — a student of the course,
// a student or professor of another course, a malformed course id — gets a
// refusal that says why, with nothing read or started on their behalf.

import assert from 'node:assert/strict';
import {
  ExtendDeadlineRequest,
  GetGradebookRequest,
  ImportRosterRequest,
  ListCoursesRequest,
  OverrideScoreRequest,
  SubmitRequest,
  WithdrawStudentRequest,
  type GradebookCell,
} from '@classpod/protocol';
import { enrolPerson } from '../../src/admin/course-setup';
import { refusalOf as refusal } from '../support/refusals';
import { startTestHub, type TestHub } from '../support/test-hub';


describe('grades/book: the gradebook of a course', function () {
  this.timeout(120_000);
  let t: TestHub;
  let aliceFirst = '';
  let aliceLatest = '';

  before(async () => {
    t = await startTestHub();
    await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: 'alice' });
    const alice = await t.connect('alice');
    aliceFirst = (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission.id;
    aliceLatest = (await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' })).submission.id;
    const prof = await t.connect('prof');
    await prof.request(OverrideScoreRequest.type, { submissionId: aliceLatest, score: 42, comment: 'checked by hand' });
    await prof.request(ExtendDeadlineRequest.type, { courseId: 'cs101', assignmentId: 'c-sum', studentId: 'carol', dueAt: new Date(Date.now() + 40 * 86_400_000).toISOString() });
    // Bob handed in after the due time (the store's record, as the intake writes it for a late submission).
    await t.hub.store.submissions.add({
      id: 'late-bob',
      courseId: 'cs101',
      assignmentId: 'c-sum',
      studentId: 'bob',
      snapshotHash: 'b'.repeat(64),
      submittedAt: new Date().toISOString(),
      source: 'submitted',
      late: true,
      penaltyPercent: 20,
      fileCount: 1,
      totalBytes: 10,
    });
  });
  after(async () => t?.close());

  const cell = (cells: GradebookCell[], studentId: string, assignmentId: string): GradebookCell => {
    const c = cells.find((x) => x.studentId === studentId && x.assignmentId === assignmentId);
    assert.ok(c, `a cell for ${studentId} × ${assignmentId}`);
    return c;
  };

  it('gives the professor every student × assignment, each cell the submission that counts', async () => {
    const prof = await t.connect('prof');
    const book = await prof.request(GetGradebookRequest.type, { courseId: 'cs101' });
    assert.deepEqual(book.students.map((s) => s.id), ['alice', 'bob', 'carol'], 'the enrolled students by id, staff left out');
    assert.ok(book.assignments.some((a) => a.id === 'c-sum' && a.title.length > 0 && a.maxScore === 100));
    assert.equal(book.cells.length, book.students.length * book.assignments.length);
    assert.deepEqual(book.cells.slice(0, book.assignments.length).map((c) => c.assignmentId), book.assignments.map((a) => a.id), 'student-major, columns in order');

    const a = cell(book.cells, 'alice', 'c-sum');
    assert.equal(a.submissionId, aliceLatest, 'the latest submission counts, not the first');
    assert.notEqual(a.submissionId, aliceFirst);
    assert.equal(a.score, 42);
    assert.equal(a.overridden, true);
    assert.equal(a.state, 'graded', 'an override is a grade');
    assert.equal(a.submissions, 2);

    const b = cell(book.cells, 'bob', 'c-sum');
    assert.deepEqual([b.state, b.late, b.penaltyPercent, b.overridden, b.submissionId, b.status], ['late', true, 20, false, 'late-bob', 'queued']);
    assert.equal(b.score, undefined, 'not graded yet');

    const c = cell(book.cells, 'carol', 'c-sum');
    assert.deepEqual([c.state, c.submissions, c.extended, c.late], ['not started', 0, true, false]);
    assert.equal(c.submissionId, undefined);
    assert.equal((await t.hub.provider.status({ courseId: 'cs101', studentId: 'carol' })).state, 'stopped', 'looking at the grid starts no workspace');
  });

  it('gives the assistant the same grid', async () => {
    const tara = await t.connect('tara');
    const book = await tara.request(GetGradebookRequest.type, { courseId: 'cs101' });
    assert.deepEqual(book.students.map((s) => s.id), ['alice', 'bob', 'carol']);
  });

  it("refuses a student of the course, saying it is for the course's staff", async () => {
    const alice = await t.connect('alice');
    const r = await refusal(alice.request(GetGradebookRequest.type, { courseId: 'cs101' }));
    assert.equal(r.code, 'Forbidden');
    assert.match(r.message, /only the staff of course cs101/);
    assert.doesNotMatch(r.message, /bob|carol|42/, 'the refusal tells nothing about the class');
  });

  it('refuses a student and a professor of another course, and an unknown course', async () => {
    const dave = await t.connect('dave');
    assert.deepEqual(await refusal(dave.request(GetGradebookRequest.type, { courseId: 'cs101' })), { code: 'Forbidden', message: 'you are not a member of course cs101' });
    const olga = await t.connect('olga');
    assert.deepEqual(await refusal(olga.request(GetGradebookRequest.type, { courseId: 'cs101' })), { code: 'Forbidden', message: 'you are not a member of course cs101' });
    const prof = await t.connect('prof');
    assert.equal((await refusal(prof.request(GetGradebookRequest.type, { courseId: 'cs999' }))).code, 'Forbidden');
  });

  it('refuses a malformed course id before reading anything, and keeps serving', async () => {
    const prof = await t.connect('prof');
    for (const courseId of ['../cs101', 'CS101', '', 'cs101; drop table submissions']) {
      const r = await refusal(prof.endpoint.request(GetGradebookRequest.type, { courseId } as never));
      assert.equal(r.code, 'InvalidParams', `${JSON.stringify(courseId)}: ${r.message}`);
    }
    const r = await refusal(prof.endpoint.request(GetGradebookRequest.type, {} as never));
    assert.equal(r.code, 'InvalidParams');
    assert.equal((await prof.request(GetGradebookRequest.type, { courseId: 'cs101' })).students.length, 3);
  });

  it("names each student's section, so the staff's own section can come first", async () => {
    const prof = await t.connect('prof');
    const csv = 'id,name,role,section\nprof,Prof. Ada,professor,\ntara,Tara (assistant),assistant,a\nalice,Alice,student,a\nbob,Bob,student,\ncarol,Carol,student,b\n';
    const imported = await prof.request(ImportRosterRequest.type, { courseId: 'cs101', csv, apply: true });
    assert.equal(imported.applied, true);
    const tara = await t.connect('tara');
    const book = await tara.request(GetGradebookRequest.type, { courseId: 'cs101' });
    assert.deepEqual(book.students.map((s) => [s.id, s.section ?? null]), [['alice', 'a'], ['bob', null], ['carol', 'b']]);
    const courses = await tara.request(ListCoursesRequest.type, {});
    assert.equal(courses.courses.find((c) => c.id === 'cs101')?.section, 'a', "the assistant's own section, which the gradebook puts first");
  });

  it('keeps a withdrawn student in the grid, marked, with their work', async () => {
    const prof = await t.connect('prof');
    await prof.request(WithdrawStudentRequest.type, { courseId: 'cs101', studentId: 'bob' });
    const book = await prof.request(GetGradebookRequest.type, { courseId: 'cs101' });
    assert.deepEqual(book.students.map((s) => [s.id, s.withdrawn ?? false]), [['alice', false], ['bob', true], ['carol', false]]);
    assert.equal(cell(book.cells, 'bob', 'c-sum').submissionId, 'late-bob', 'their submission still counts for them');
  });

  it('answers a class of 300 in one request, a cell for each of them', async () => {
    for (let i = 0; i < 300; i++) await enrolPerson(t.hub.store, 'cs101', { id: `s${String(i).padStart(3, '0')}`, name: `Student ${i}` }, 'student');
    const prof = await t.connect('prof');
    const book = await prof.request(GetGradebookRequest.type, { courseId: 'cs101' });
    assert.equal(book.students.length, 303);
    assert.equal(book.students.filter((s) => s.withdrawn).length, 1, 'Bob, withdrawn above');
    assert.equal(book.cells.length, 303 * book.assignments.length);
    assert.ok(book.cells.filter((c) => c.studentId.startsWith('s')).every((c) => c.state === 'not started' && c.submissions === 0));
  });
});
