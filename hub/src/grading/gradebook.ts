// The gradebook of a course: every enrolled student × every assignment, each
// cell the submission that counts (grade-book.ts's rule, the one the grades
// CSV uses), in four store reads whatever the size of the class. A cell with
// nothing handed in is "in progress" when the student's running workspace
// holds work that differs from the starter files (the rule `assignments/list`
// shows the student), else "not started"; stopped workspaces are never
// started for it. Withdrawn students keep their row (their work and grades
// stay), marked so the view can leave them out of the class's statistics.
// On a group assignment a member's cell is their group's
// (groups/work-owner.ts): every member shows the group's one grade.

import type { GradebookAssignment, GradebookCell, GradebookStudent } from '@classpod/protocol';
import { lateDayAccounts } from '../deadlines/late-day-accounts';
import type { LateDayAccount } from '../deadlines/late-days';
import type { Assignment, Submission } from '../store/records';
import type { Store } from '../store/store';
import { assignmentState } from '../api/views';
import { ownersOfMembers } from '../groups/work-owner';
import { countingSubmissions } from './grade-book';
import { submissionScore } from './submission-score';

/** The grid, as `grades/book` answers it. */
export interface Gradebook {
  assignments: GradebookAssignment[];
  students: GradebookStudent[];
  cells: GradebookCell[];
}

/** Whether a student has unsubmitted work on an assignment (their running workspace differs from the starter). */
export type WorkInProgress = (a: Assignment, studentId: string) => Promise<boolean>;

/** How many students are looked at together for work in progress. */
const PROGRESS_CONCURRENCY = 8;

export async function buildGradebook(store: Store, courseId: string, inProgress: WorkInProgress): Promise<Gradebook> {
  const [assignments, submissions, students, extensions, withdrawn, sections, groups] = await Promise.all([
    store.assignments.list(courseId),
    store.submissions.list({ courseId }),
    store.courses.members(courseId, 'student'),
    store.extensions.list(courseId),
    store.rosters.withdrawnIn(courseId),
    store.rosters.sectionsIn(courseId),
    store.groups.list(courseId),
  ]);
  // A member's cell of a group assignment is the group's work: one grade for every member.
  const owners = ownersOfMembers(assignments, groups);
  const counting = countingSubmissions(submissions);
  // Late days: what each student's counting submissions spent (deadlines/late-days.ts).
  const accounts = await lateDayAccounts(store, courseId, { students: students.map((s) => s.id) });
  const made = new Map<string, number>();
  for (const s of submissions) made.set(`${s.assignmentId}/${s.studentId}`, (made.get(`${s.assignmentId}/${s.studentId}`) ?? 0) + 1);
  const extended = new Set(extensions.map((e) => `${e.assignmentId}/${e.studentId}`));
  const roster = [...students].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const rowOf = async (studentId: string): Promise<GradebookCell[]> => {
    const row: GradebookCell[] = [];
    for (const a of assignments) {
      const owner = owners.get(`${a.id}/${studentId}`) ?? studentId;
      const key = `${a.id}/${owner}`;
      const s = counting.get(key);
      const started = s ? true : await inProgress(a, owner);
      row.push(cellOf(a, studentId, s, started, made.get(key) ?? 0, extended.has(key) || extended.has(`${a.id}/${studentId}`), accounts.get(studentId)));
    }
    return row;
  };
  const rows: GradebookCell[][] = new Array<GradebookCell[]>(roster.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < roster.length) {
      const i = next++;
      rows[i] = await rowOf(roster[i]!.id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PROGRESS_CONCURRENCY, roster.length) }, worker));

  return {
    assignments: assignments.map((a) => ({ id: a.id, title: a.title, ...(a.dueAt ? { dueAt: a.dueAt } : {}), maxScore: a.maxScore })),
    students: roster.map((p) => {
      const account = accounts.get(p.id);
      return {
        id: p.id,
        ...(p.name ? { name: p.name } : {}),
        ...(p.email ? { email: p.email } : {}),
        ...(withdrawn.has(p.id) ? { withdrawn: true as const } : {}),
        ...(account && account.total > 0 ? { lateDaysTotal: account.total, lateDaysRemaining: account.remaining } : {}),
        ...(sections.has(p.id) ? { section: sections.get(p.id)! } : {}),
      };
    }),
    cells: rows.flat(),
  };
}

function cellOf(
  a: Assignment,
  studentId: string,
  s: Submission | undefined,
  started: boolean,
  submissions: number,
  extended: boolean,
  account: LateDayAccount | undefined,
): GradebookCell {
  const lateDaysUsed = account?.entries.get(a.id)?.lateDaysUsed ?? 0;
  const score = s ? submissionScore(s) : undefined;
  const maxScore = s?.maxScore ?? a.maxScore;
  return {
    studentId,
    assignmentId: a.id,
    state: assignmentState(s, started),
    ...(s ? { submissionId: s.id, status: s.status } : {}),
    ...(score !== undefined ? { score } : {}),
    ...(maxScore !== undefined ? { maxScore } : {}),
    ...(s?.rubricPoints !== undefined ? { rubricPoints: s.rubricPoints } : {}),
    late: s?.late ?? false,
    penaltyPercent: s?.penaltyPercent ?? 0,
    overridden: s?.override !== undefined,
    extended,
    submissions,
    ...(lateDaysUsed > 0 ? { lateDaysUsed } : {}),
  };
}
