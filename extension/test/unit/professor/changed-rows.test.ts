// Announcing changed rows on its own: changes gathered into one announcement,
// rows left out when an ancestor changed too, a parent named instead of too
// many of its rows, and the whole tree when everything changed.

import * as assert from 'node:assert/strict';
import { ChangedRows, type ChangedRowsOptions, type RowLookup } from '../../../src/professor/changed-rows';
import type { ClusterNode } from '../../../src/professor/cluster-nodes';

/** A course with an assignment of `students` students (s0, s1, …), as rows. */
function tree(students: number): RowLookup & { row(id: string): ClusterNode } {
  const rows = new Map<string, ClusterNode>();
  const add = (n: ClusterNode): void => void rows.set(n.id, n);
  add({ kind: 'course', id: 'course:cs101', courseId: 'cs101' });
  add({ kind: 'assignments', id: 'assignments:cs101', courseId: 'cs101' });
  add({ kind: 'assignment', id: 'assignment:cs101/a', courseId: 'cs101', assignmentId: 'a' });
  for (let i = 0; i < students; i++) add({ kind: 'student', id: `student:cs101/a/s${i}`, courseId: 'cs101', assignmentId: 'a', studentId: `s${i}` });
  const parent: Record<string, string> = { 'assignments:cs101': 'course:cs101', 'assignment:cs101/a': 'assignments:cs101' };
  return {
    node: (id) => rows.get(id),
    getParent: (n) => rows.get(n.kind === 'student' ? 'assignment:cs101/a' : (parent[n.id] ?? '')),
    row: (id) => rows.get(id)!,
  };
}

const student = (i: number): string => `student:cs101/a/s${i}`;

describe('changed rows', function () {
  const owned: ChangedRows[] = [];
  afterEach(function () {
    for (const r of owned.splice(0)) r.dispose();
  });

  /** An announcer over a tree of `students` (by default gathering until `flush`), and the ids it announced. */
  function announcer(students: number, options: Partial<ChangedRowsOptions> = {}): { rows: ChangedRows; announced: Array<string[] | undefined>; add(id: string): void } {
    const t = tree(students);
    const rows = new ChangedRows(t, { coalesceMs: 600_000, maxChangedRowsPerParent: 50, ...options });
    owned.push(rows);
    const announced: Array<string[] | undefined> = [];
    rows.onDidChange((r) => announced.push(r?.map((n) => n.id)));
    return { rows, announced, add: (id) => rows.add(t.row(id)) };
  }

  it('gathers changes into one announcement, each row once', function () {
    const { rows, announced, add } = announcer(3);
    add(student(0));
    add(student(1));
    add(student(0));
    assert.deepEqual(announced, [], 'nothing before the gathering time is up');
    rows.flush();
    assert.deepEqual(announced, [[student(0), student(1)]]);
    rows.flush();
    assert.equal(announced.length, 1, 'nothing new, nothing announced');
  });

  it('announces by itself once the gathering time is up', async function () {
    const { rows, add } = announcer(1, { coalesceMs: 5 });
    const announced = new Promise<ClusterNode[] | undefined>((resolve) => rows.onDidChange(resolve));
    add(student(0));
    assert.deepEqual((await announced)?.map((n) => n.id), [student(0)]);
  });

  it('announces at once with no gathering time', function () {
    const { announced, add } = announcer(1, { coalesceMs: 0 });
    add(student(0));
    assert.deepEqual(announced, [[student(0)]]);
  });

  it('leaves out a row whose ancestor changed too', function () {
    const { rows, announced, add } = announcer(2);
    add(student(0));
    add('assignments:cs101');
    rows.flush();
    assert.deepEqual(announced, [['assignments:cs101']]);
  });

  it('names the parent instead of more rows of it than the limit', function () {
    const { rows, announced, add } = announcer(5, { maxChangedRowsPerParent: 3 });
    for (let i = 0; i < 4; i++) add(student(i));
    rows.flush();
    assert.deepEqual(announced, [['assignment:cs101/a']]);
    for (let i = 0; i < 3; i++) add(student(i));
    rows.flush();
    assert.deepEqual(announced[1], [student(0), student(1), student(2)], 'up to the limit, the rows themselves');
  });

  it('announces the whole tree when everything changed, and not the rows gathered with it', function () {
    const { rows, announced, add } = announcer(2);
    add(student(0));
    rows.addEverything();
    rows.flush();
    rows.flush();
    assert.deepEqual(announced, [undefined]);
  });

  it('leaves out rows it cannot find, and announces nothing when none is left', function () {
    const { rows, announced } = announcer(1);
    rows.add({ kind: 'student', id: 'student:cs101/a/gone', courseId: 'cs101', assignmentId: 'a', studentId: 'gone' });
    rows.flush();
    assert.deepEqual(announced, []);
  });
});
