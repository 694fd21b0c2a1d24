// The one grades CSV as a spreadsheet reads it: one row per student and
// assignment, the latest submission counting, RFC 4180 quoting, formulas
// defused, students who left the course still listed with their work.

import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { GRADE_COLUMNS, gradesCsv } from '../../src/grading/grade-export';
import type { Submission } from '../../src/store/records';
import { Store } from '../../src/store/store';
import { sqliteTarget, type TestDatabase } from '../support/databases';

function submission(id: string, studentId: string, assignmentId: string, submittedAt: string, extra: Partial<Submission> = {}): Omit<Submission, 'status'> {
  return { id, courseId: 'cs101', assignmentId, studentId, snapshotHash: 'a'.repeat(64), submittedAt, source: 'submitted', late: false, penaltyPercent: 0, fileCount: 1, totalBytes: 10, ...extra };
}

describe('grades CSV', function () {
  let db: TestDatabase;
  let store: Store;
  beforeEach(async () => {
    db = await sqliteTarget.create();
    store = new Store(db.database);
    await store.migrate();
    await store.courses.upsert({ id: 'cs101', title: 'Programming' });
    for (const [id, name, email] of [['bob', 'Bob, "the builder"', undefined], ['alice', '=HYPERLINK("x")', 'a@x.edu'], ['carol', 'Carol', undefined]] as const) {
      await store.people.upsert({ id, name, ...(email ? { email } : {}), admin: false });
      await store.courses.enrol({ courseId: 'cs101', personId: id, role: 'student' });
    }
    for (const [id, maxScore] of [['hello', 10], ['sum', 20]] as const) {
      await store.assignments.upsert({ courseId: 'cs101', id, title: id, description: '', penaltyPercentPerDay: 10, specJson: '{}', publicSpecJson: '{}', starterManifest: [], publicFilesManifest: [], maxScore });
    }
    await store.submissions.add(submission('s1', 'alice', 'hello', '2026-11-20T10:00:00.000Z'));
    await store.submissions.add(submission('s2', 'alice', 'hello', '2026-11-21T10:00:00.000Z', { late: true, penaltyPercent: 10 }));
    await store.submissions.setOverride('s2', { score: 9, comment: 'by hand, "fair"', authorId: 'prof' });
    await store.submissions.add(submission('s3', 'bob', 'sum', '2026-11-20T10:00:00.000Z'));
    // Dave handed in work, then left the course.
    await store.submissions.add(submission('s4', 'dave', 'hello', '2026-11-20T11:00:00.000Z'));
  });
  afterEach(() => db.drop());

  it('has one row per student and assignment, by student id, the latest submission counting, quoted and with formulas defused', async () => {
    const text = await gradesCsv(store, 'cs101');
    assert.ok(text.endsWith('\r\n') && !/[^\r]\n/.test(text), 'RFC 4180 line ends');
    const lines = text.split('\r\n');
    assert.equal(lines[0], GRADE_COLUMNS.join(','));
    assert.equal(lines[1], `alice,"'=HYPERLINK(""x"")",a@x.edu,hello,2026-11-21T10:00:00.000Z,true,10,queued,9,10,true,"by hand, ""fair""",2,,,`);
    assert.equal(lines[2], `alice,"'=HYPERLINK(""x"")",a@x.edu,sum,,,,not submitted,,20,,,0,,,`);
    assert.equal(lines[3], 'bob,"Bob, ""the builder""",,hello,,,,not submitted,,10,,,0,,,');
    assert.equal(lines[4], 'bob,"Bob, ""the builder""",,sum,2026-11-20T10:00:00.000Z,false,0,queued,,20,false,,1,,,');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    assert.deepEqual([...new Set(rows.map((r) => r.student_id))], ['alice', 'bob', 'carol', 'dave']);
    assert.equal(rows.length, 8);
    assert.deepEqual(rows.filter((r) => r.student_id === 'dave').map((r) => [r.name, r.assignment_id, r.submissions]), [['', 'hello', '1'], ['', 'sum', '0']]);
  });

  it('gives one assignment’s rows only when asked for it', async () => {
    const rows = parse(await gradesCsv(store, 'cs101', 'sum'), { columns: true }) as Record<string, string>[];
    assert.deepEqual(rows.map((r) => [r.student_id, r.assignment_id, r.submissions]), [['alice', 'sum', '0'], ['bob', 'sum', '1'], ['carol', 'sum', '0']], 'dave, who left, made no submission to it');
  });
});
