// The gradebook model on its own: rows of a class of 300, the search by name,
// each column's sort and filter, and each assignment's histogram and counts,
// checked against what a person would count by hand.

import * as assert from 'node:assert/strict';
import type { GradebookCell } from '@classpod/protocol';
import { DEFAULT_QUERY, foldText, Gradebook, HISTOGRAM_BINS, keeps, summarise, type GradebookQuery } from '../../../../src/professor/gradebook/gradebook-model';
import { ASSIGNMENTS, classOf, studentId } from './class-of';

const query = (q: Partial<GradebookQuery>): GradebookQuery => ({ ...DEFAULT_QUERY, ...q });
/** Names in the order people expect: any case, "Ada 9" before "Ada 10". */
const byName = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true }).compare;
const ids = (rows: { student: { id: string } }[]): string[] => rows.map((r) => r.student.id);

describe('gradebook model', () => {
  const answer = classOf(300);
  const book = new Gradebook(answer);

  it('has a row per student of a class of 300, a cell per assignment in column order, and totals', () => {
    assert.equal(book.rows.length, 300);
    for (const r of book.rows) assert.deepEqual(r.cells.map((c) => c.assignmentId), ASSIGNMENTS.map((a) => a.id));
    const r7 = book.rows.find((r) => r.student.id === studentId(7))!;
    const expected = answer.cells.filter((c) => c.studentId === studentId(7)).reduce((sum, c) => sum + (c.score ?? 0), 0);
    assert.equal(r7.total, expected);
    assert.equal(r7.totalMax, 160);
    assert.equal(book.cell(studentId(7), 'c-sum'), answer.cells.find((c) => c.studentId === studentId(7) && c.assignmentId === 'c-sum'));
  });

  it('lists everybody by name when nothing is asked', () => {
    const rows = book.view(DEFAULT_QUERY);
    assert.equal(rows.length, 300);
    const labels = rows.map((r) => r.label);
    const sorted = [...labels].sort(byName);
    assert.deepEqual(labels, sorted);
  });

  it("puts the viewer's own section first in the order by student, then by name; a score column orders the whole class", () => {
    const sectioned = classOf(60);
    sectioned.students = sectioned.students.map((st, i) => ({ ...st, ...(i % 3 === 0 ? { section: 'lab-a' } : i % 3 === 1 ? { section: 'lab-b' } : {}) }));
    const mine = new Gradebook(sectioned, ['lab-a']);
    const rows = mine.view(DEFAULT_QUERY);
    const own = rows.filter((r) => r.student.section === 'lab-a');
    assert.equal(own.length, 20);
    assert.deepEqual(rows.slice(0, 20), own, 'all of lab-a before anyone else');
    assert.deepEqual(own.map((r) => r.label), own.map((r) => r.label).sort(byName));
    const others = rows.slice(20).map((r) => r.label);
    assert.deepEqual(others, [...others].sort(byName));
    // Descending by name keeps the own section first, each part reversed.
    const down = mine.view(query({ descending: true }));
    assert.ok(down.slice(0, 20).every((r) => r.student.section === 'lab-a'));
    // A search keeps the order; a score sort does not put a section first.
    assert.ok(mine.view(query({ search: 'ada' })).findIndex((r) => r.student.section !== 'lab-a') >= mine.view(query({ search: 'ada' })).filter((r) => r.student.section === 'lab-a').length);
    const byTotal = mine.view(query({ sort: { kind: 'total' } }));
    assert.deepEqual(byTotal.map((r) => r.total), [...byTotal.map((r) => r.total)].sort((x, y) => x - y));
    // A teaching assistant of two sections sees both first.
    const both = new Gradebook(sectioned, ['lab-a', 'lab-b']).view(DEFAULT_QUERY);
    assert.ok(both.slice(0, 40).every((r) => r.student.section !== undefined) && both.slice(40).every((r) => r.student.section === undefined));
    // Without a section of their own (a professor), the order is by name alone.
    assert.deepEqual(new Gradebook(sectioned).view(DEFAULT_QUERY).map((r) => r.label), [...rows.map((r) => r.label)].sort(byName));
  });

  it('counts, per assignment, the students who have not started, are in progress and handed in', () => {
    for (const [j, col] of book.columns.entries()) {
      const cells = answer.cells.filter((c) => c.assignmentId === ASSIGNMENTS[j]!.id);
      assert.equal(col.notStarted, cells.filter((c) => c.state === 'not started').length);
      assert.equal(col.inProgress, cells.filter((c) => c.state === 'in progress').length);
      assert.equal(col.submitted, cells.filter((c) => c.submissionId !== undefined).length);
      assert.equal(col.notStarted + col.inProgress + col.submitted, 300);
      assert.ok(col.notStarted > 0 && col.inProgress > 0 && col.submitted > 0, 'the class has every kind');
      assert.equal(col.histogram.length, HISTOGRAM_BINS);
      assert.equal(col.histogram.reduce((a, b) => a + b, 0), cells.filter((c) => c.score !== undefined).length, 'every score is in one bin');
      assert.equal(col.scored, cells.filter((c) => c.score !== undefined).length);
    }
  });

  it('bins scores from 0 to the maximum, the maximum and bonus points in the last bin', () => {
    const cell = (score: number | undefined): GradebookCell => ({
      studentId: 'x',
      assignmentId: 'hello-c',
      state: score === undefined ? 'not started' : 'graded',
      ...(score === undefined ? {} : { submissionId: 's', score }),
      late: false,
      penaltyPercent: 0,
      overridden: false,
      extended: false,
      submissions: score === undefined ? 0 : 1,
    });
    const s = summarise({ id: 'hello-c', title: 'Hello', maxScore: 10 }, [cell(0), cell(0.99), cell(1), cell(4.5), cell(9.99), cell(10), cell(12), cell(undefined)]);
    assert.deepEqual(s.histogram, [2, 1, 0, 0, 1, 0, 0, 0, 0, 3]);
    assert.deepEqual(s.binStarts, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual([s.notStarted, s.inProgress, s.submitted, s.scored], [1, 0, 7, 7]);
    assert.equal(s.mean, 5.5);
    const none = summarise({ id: 'hello-c', title: 'Hello', maxScore: 10 }, [cell(undefined)]);
    assert.deepEqual(none.histogram, new Array(HISTOGRAM_BINS).fill(0));
    assert.equal(none.mean, undefined);
  });

  it('finds students by any part of their name, id or email, in any case and without accents', () => {
    const zoes = book.view(query({ search: 'zoe' }));
    assert.equal(zoes.length, 60);
    assert.ok(zoes.every((r) => r.label.startsWith('Zoë')));
    const zoeOrsted = book.view(query({ search: 'zoe ørsted' }));
    assert.ok(zoeOrsted.length > 0 && zoeOrsted.every((r) => /^Zoë Ørsted/.test(r.label)), 'every word must match');
    assert.deepEqual(ids(book.view(query({ search: 'ZOË ØRSTED' }))), ids(zoeOrsted));
    assert.deepEqual(ids(book.view(query({ search: `${studentId(42)}@uni` }))), [studentId(42)]);
    assert.deepEqual(ids(book.view(query({ search: '  ' }))).length, 300);
    assert.deepEqual(book.view(query({ search: 'nobody-by-this-name' })), []);
    assert.equal(foldText('Zoë ØRSTED'), 'zoe ørsted', 'letters without a decomposition stay as they are');
  });

  it("sorts by an assignment's score, nothing handed in first, ties by name; again the other way round", () => {
    const up = book.view(query({ sort: { kind: 'assignment', assignmentId: 'c-sum' } }));
    const scores = up.map((r) => r.cells[1]!.score);
    const firstScored = scores.findIndex((s) => s !== undefined);
    assert.ok(firstScored > 0 && scores.slice(0, firstScored).every((s) => s === undefined));
    const numbers = scores.slice(firstScored) as number[];
    assert.ok(numbers.every((s) => s !== undefined));
    for (let i = 1; i < numbers.length; i++) assert.ok(numbers[i - 1]! <= numbers[i]!, `score ${numbers[i - 1]} before ${numbers[i]}`);
    for (let i = 1; i < up.length; i++) {
      if (up[i - 1]!.cells[1]!.score === up[i]!.cells[1]!.score) assert.ok(byName(up[i - 1]!.label, up[i]!.label) <= 0, 'ties by name');
    }
    const down = book.view(query({ sort: { kind: 'assignment', assignmentId: 'c-sum' }, descending: true }));
    assert.deepEqual(down.map((r) => r.cells[1]!.score), [...scores].reverse());
    assert.equal(down.at(-1)!.cells[1]!.score, undefined);
  });

  it('sorts by total and by name backwards', () => {
    const totals = book.view(query({ sort: { kind: 'total' }, descending: true })).map((r) => r.total);
    assert.deepEqual(totals, [...totals].sort((a, b) => b - a));
    const back = book.view(query({ descending: true })).map((r) => r.label);
    assert.deepEqual(back, book.view(DEFAULT_QUERY).map((r) => r.label).reverse());
  });

  it('keeps in a filtered column only the cells its filter names, with the search on top', () => {
    const late = book.view(query({ filters: { 'c-sum': 'late' } }));
    assert.equal(late.length, answer.cells.filter((c) => c.assignmentId === 'c-sum' && c.late).length);
    assert.ok(late.length > 0 && late.every((r) => r.cells[1]!.late));
    const notIn = book.view(query({ filters: { 'hello-c': 'not submitted' } }));
    assert.ok(notIn.length > 0 && notIn.every((r) => r.cells[0]!.submissionId === undefined));
    const both = book.view(query({ filters: { 'hello-c': 'not submitted', 'c-sum': 'overridden' }, search: 'zoe' }));
    assert.ok(both.length > 0);
    assert.ok(both.every((r) => r.cells[0]!.submissionId === undefined && r.cells[1]!.overridden && r.label.startsWith('Zoë')));
    assert.deepEqual(book.view(query({ filters: { 'hello-c': 'submitted', 'c-sum': 'overridden' }, search: 'zoe' })), [], 'every filter must keep a row');
    const ungraded = book.view(query({ filters: { 'py-primes': 'ungraded' } }));
    assert.ok(ungraded.length > 0 && ungraded.every((r) => r.cells[2]!.submissionId !== undefined && r.cells[2]!.score === undefined));
    assert.equal(book.view(query({ filters: { 'c-sum': 'all' } })).length, 300);
  });

  it('leaves withdrawn students out of the view and of the statistics until asked for, their grades kept', () => {
    const withdrawnIds = [studentId(3), studentId(4), studentId(5)];
    const marked = { ...answer, students: answer.students.map((s) => (withdrawnIds.includes(s.id) ? { ...s, withdrawn: true as const } : s)) };
    const b = new Gradebook(marked);
    assert.equal(b.withdrawnCount, 3);
    assert.equal(b.classSize(DEFAULT_QUERY), 297);
    assert.ok(!ids(b.view(DEFAULT_QUERY)).some((id) => withdrawnIds.includes(id)), 'hidden by default');
    const all = b.view(query({ withdrawn: true }));
    assert.equal(all.length, 300, 'shown when asked for');
    assert.equal(b.classSize(query({ withdrawn: true })), 300);
    assert.ok(all.find((r) => r.student.id === studentId(3))!.cells.some((c) => c.score !== undefined), 'their scores are still there');
    for (const [j, col] of b.columns.entries()) {
      const cells = answer.cells.filter((c) => c.assignmentId === ASSIGNMENTS[j]!.id && !withdrawnIds.includes(c.studentId));
      assert.equal(col.notStarted + col.inProgress + col.submitted, 297, 'the class counts leave them out');
      assert.equal(col.scored, cells.filter((c) => c.score !== undefined).length);
    }
  });

  it('treats a cell the hub left out as not started, and ignores cells of unknown assignments', () => {
    const small = new Gradebook({
      courseId: 'cs101',
      assignments: ASSIGNMENTS,
      students: [{ id: 'amy' }],
      cells: [{ studentId: 'amy', assignmentId: 'gone', state: 'graded', late: false, penaltyPercent: 0, overridden: false, extended: false, submissions: 1 }],
      serverTime: '2026-11-25T10:00:00.000Z',
    });
    assert.equal(small.rows[0]!.label, 'amy', 'the id stands for a missing name');
    assert.deepEqual(small.rows[0]!.cells.map((c) => [c.state, c.submissions, keeps('not submitted', c)]), ASSIGNMENTS.map(() => ['not started', 0, true]));
    assert.equal(small.cell('amy', 'gone'), undefined);
  });

  it('falls back to name order for a column that is not there', () => {
    assert.deepEqual(ids(book.view(query({ sort: { kind: 'assignment', assignmentId: 'no-such' } }))), ids(book.view(DEFAULT_QUERY)));
  });
});
