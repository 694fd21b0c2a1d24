// A made-up class as the hub's `grades/book` answers it: any number of
// students over a few assignments, with every kind of cell (graded, late,
// overridden, queued, in progress, not started), the same for the same size.

import type { GradebookAssignment, GradebookCell } from '@classpod/protocol';
import type { GradebookAnswer } from '../../../../src/professor/gradebook/gradebook-model';

export const ASSIGNMENTS: GradebookAssignment[] = [
  { id: 'hello-c', title: 'Hello (C)', dueAt: '2026-11-10T23:59:00.000Z', maxScore: 10 },
  { id: 'c-sum', title: 'Sum and mean (C)', dueAt: '2026-11-20T23:59:00.000Z', maxScore: 100 },
  { id: 'py-primes', title: 'Primes (Python)', dueAt: '2026-12-05T23:59:00.000Z', maxScore: 50 },
];

/** One cell: which kind follows from the student's and assignment's numbers. */
function cellOf(i: number, a: GradebookAssignment, j: number): GradebookCell {
  const base = { studentId: studentId(i), assignmentId: a.id, late: false, penaltyPercent: 0, overridden: false, extended: false, maxScore: a.maxScore! };
  const kind = (i * 7 + j * 3) % 10;
  if (kind === 0) return { ...base, state: 'not started', submissions: 0 };
  if (kind === 1) return { ...base, state: 'in progress', submissions: 0, extended: i % 2 === 0 };
  if (kind === 2) return { ...base, state: 'submitted', submissionId: `s-${i}-${j}`, status: 'queued', submissions: 1 };
  const score = Math.round(((i * 37 + j * 11) % 101) / 100 * a.maxScore! * 2) / 2;
  if (kind === 3) return { ...base, state: 'late', submissionId: `s-${i}-${j}`, status: 'graded', score: score * 0.8, late: true, penaltyPercent: 20, submissions: 2 };
  if (kind === 4) return { ...base, state: 'graded', submissionId: `s-${i}-${j}`, status: 'graded', score: Math.min(a.maxScore!, score + 1), overridden: true, submissions: 1 };
  return { ...base, state: 'graded', submissionId: `s-${i}-${j}`, status: 'graded', score, submissions: 1 + (i % 3) };
}

export const studentId = (i: number): string => `s${String(i).padStart(4, '0')}`;

/** A class of `size` students. */
export function classOf(size: number): GradebookAnswer {
  const students = Array.from({ length: size }, (_x, i) => ({ id: studentId(i), name: `${['Ada', 'Grace', 'Alan', 'Zoë', 'Edsger'][i % 5]} ${['Lovelace', 'Hopper', 'Turing', 'Ørsted', 'Dijkstra'][Math.floor(i / 5) % 5]} ${i}`, email: `${studentId(i)}@uni.example` }));
  return {
    courseId: 'cs101',
    assignments: ASSIGNMENTS,
    students,
    cells: students.flatMap((_s, i) => ASSIGNMENTS.map((a, j) => cellOf(i, a, j))),
    serverTime: '2026-11-25T10:00:00.000Z',
  };
}
