// The gradebook as plain data: the hub's `grades/book` answer turned into
// rows (one per student, a cell per assignment, a total), and the questions
// the view asks of them — which rows a search by name and the columns'
// filters keep, in which order a column sorts them, and per assignment a
// histogram of scores and how many students have not started, are in
// progress or have handed in. Withdrawn students are shown only when asked
// for, and never counted in a column's statistics (their grades stay). In the
// order by student (the default), the students of the viewer's own section
// come first, as in every staff list; a score column orders the whole class. No VS
// Code and no HTML here; the view renders what this answers.

import type { GetGradebookRequest, GradebookAssignment, GradebookCell, GradebookStudent, ResultOf } from '@classpod/protocol';

/** The hub's answer to `grades/book`. */
export type GradebookAnswer = ResultOf<typeof GetGradebookRequest.type>;

/** One student's row. */
export interface GradebookRow {
  student: GradebookStudent;
  /** The name shown (the id when the hub knows no name). */
  label: string;
  /** One per assignment, in the columns' order. */
  cells: GradebookCell[];
  /** Sum of the final scores, and of the maxima of every assignment. */
  total: number;
  totalMax: number;
  /** Lowercase, accents removed: name, id and email, for the search. */
  searchText: string;
}

/** What a column's filter keeps. */
export const CELL_FILTERS = ['all', 'not submitted', 'submitted', 'late', 'overridden', 'ungraded'] as const;
export type CellFilter = (typeof CELL_FILTERS)[number];

/** A column to sort by: the student's name, the total, or an assignment's score. */
export type SortColumn = { kind: 'student' } | { kind: 'total' } | { kind: 'assignment'; assignmentId: string };

/** What the view shows: a search, a filter per assignment column, an order. */
export interface GradebookQuery {
  /** Words that must all appear in a student's name, id or email (any case, accents ignored). */
  search: string;
  /** Assignment id → its column's filter; absent means `all`. */
  filters: Readonly<Record<string, CellFilter>>;
  sort: SortColumn;
  descending: boolean;
  /** Show withdrawn students too (their rows are marked). */
  withdrawn: boolean;
}

export const DEFAULT_QUERY: GradebookQuery = { search: '', filters: {}, sort: { kind: 'student' }, descending: false, withdrawn: false };

/** Bins of a histogram. */
export const HISTOGRAM_BINS = 10;

/** Where an assignment's class stands. */
export interface ColumnSummary {
  assignment: GradebookAssignment;
  /** Counts of scores in HISTOGRAM_BINS equal bins from 0 to the maximum (the last bin holds the maximum and any bonus above it). */
  histogram: number[];
  /** The score each bin starts at. */
  binStarts: number[];
  notStarted: number;
  inProgress: number;
  /** Handed in: submitted, late or graded. */
  submitted: number;
  /** Of those, how many have a score. */
  scored: number;
  /** Mean of the scores, when any. */
  mean?: number;
}

/** The state of a cell as the filters and the view name it. */
export function handedIn(cell: GradebookCell): boolean {
  return cell.submissionId !== undefined;
}

/** Lowercase without accents, so "Zoë" is found by "zoe". */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

export class Gradebook {
  readonly assignments: readonly GradebookAssignment[];
  readonly rows: readonly GradebookRow[];
  readonly columns: readonly ColumnSummary[];
  readonly courseId: string;
  readonly serverTime: string;
  /** How many students are withdrawn. */
  readonly withdrawnCount: number;
  private readonly byKey = new Map<string, GradebookCell>();

  /** The viewer's own sections in the course (a teaching assistant may teach several): their students come first in the order by student. */
  readonly mySections: readonly string[];

  constructor(answer: GradebookAnswer, mySections: readonly string[] = []) {
    this.mySections = mySections;
    this.courseId = answer.courseId;
    this.serverTime = answer.serverTime;
    this.assignments = answer.assignments;
    const column = new Map(answer.assignments.map((a, i) => [a.id, i]));
    const cellsOf = new Map<string, GradebookCell[]>();
    for (const c of answer.cells) {
      const i = column.get(c.assignmentId);
      if (i === undefined) continue;
      let row = cellsOf.get(c.studentId);
      if (!row) cellsOf.set(c.studentId, (row = new Array<GradebookCell>(answer.assignments.length)));
      row[i] = c;
      this.byKey.set(cellKey(c.studentId, c.assignmentId), c);
    }
    const totalMax = answer.assignments.reduce((sum, a) => sum + (a.maxScore ?? 0), 0);
    this.rows = answer.students.map((student) => {
      const given = cellsOf.get(student.id) ?? [];
      const cells = answer.assignments.map((a, i) => given[i] ?? emptyCell(student.id, a));
      const label = student.name ?? student.id;
      return {
        student,
        label,
        cells,
        total: cells.reduce((sum, c) => sum + (c.score ?? 0), 0),
        totalMax,
        searchText: foldText([label, student.id, student.email ?? ''].join(' ')),
      };
    });
    const enrolled = this.rows.filter((r) => !r.student.withdrawn);
    this.withdrawnCount = this.rows.length - enrolled.length;
    this.columns = answer.assignments.map((a, i) => summarise(a, enrolled.map((r) => r.cells[i]!)));
  }

  /** The cell of one student and assignment. */
  cell(studentId: string, assignmentId: string): GradebookCell | undefined {
    return this.byKey.get(cellKey(studentId, assignmentId));
  }

  /** How many students the query looks at before its search and filters (withdrawn ones only when it shows them). */
  classSize(query: GradebookQuery): number {
    return query.withdrawn ? this.rows.length : this.rows.length - this.withdrawnCount;
  }

  /** The rows a query keeps, in its order. */
  view(query: GradebookQuery): GradebookRow[] {
    const words = foldText(query.search).split(/\s+/).filter((w) => w !== '');
    const filters = this.assignments
      .map((a, i) => ({ i, f: query.filters[a.id] ?? 'all' }))
      .filter((x) => x.f !== 'all');
    const kept = this.rows.filter((r) => (query.withdrawn || !r.student.withdrawn) && words.every((w) => r.searchText.includes(w)) && filters.every(({ i, f }) => keeps(f, r.cells[i]!)));
    const key = sortKeyOf(query.sort, this.assignments);
    const sign = query.descending ? -1 : 1;
    const mine = this.mySections;
    const rank = (r: GradebookRow): number => (query.sort.kind === 'student' && r.student.section !== undefined && mine.includes(r.student.section) ? 0 : 1);
    return kept.sort((a, b) => rank(a) - rank(b) || sign * compareKeys(key(a), key(b)) || byName(a, b));
  }
}

/** Whether a column's filter keeps a cell. */
export function keeps(filter: CellFilter, cell: GradebookCell): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'not submitted':
      return !handedIn(cell);
    case 'submitted':
      return handedIn(cell);
    case 'late':
      return cell.late;
    case 'overridden':
      return cell.overridden;
    case 'ungraded':
      return handedIn(cell) && cell.score === undefined;
  }
}

/** A sortable value of a row: scores sort below every score when absent, names by locale. */
type SortValue = { score: number | undefined } | { name: string };

function sortKeyOf(column: SortColumn, assignments: readonly GradebookAssignment[]): (r: GradebookRow) => SortValue {
  if (column.kind === 'student') return (r) => ({ name: r.label });
  if (column.kind === 'total') return (r) => ({ score: r.total });
  const i = assignments.findIndex((a) => a.id === column.assignmentId);
  if (i < 0) return (r) => ({ name: r.label });
  return (r) => ({ score: r.cells[i]!.score });
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function compareKeys(a: SortValue, b: SortValue): number {
  if ('name' in a && 'name' in b) return collator.compare(a.name, b.name);
  const x = 'score' in a ? a.score : undefined;
  const y = 'score' in b ? b.score : undefined;
  if (x === y) return 0;
  if (x === undefined) return -1;
  if (y === undefined) return 1;
  return x - y;
}

function byName(a: GradebookRow, b: GradebookRow): number {
  return collator.compare(a.label, b.label) || (a.student.id < b.student.id ? -1 : a.student.id > b.student.id ? 1 : 0);
}

function cellKey(studentId: string, assignmentId: string): string {
  return `${studentId}\u0000${assignmentId}`;
}

/** A cell the hub did not send: nothing handed in. */
function emptyCell(studentId: string, a: GradebookAssignment): GradebookCell {
  return {
    studentId,
    assignmentId: a.id,
    state: 'not started',
    ...(a.maxScore !== undefined ? { maxScore: a.maxScore } : {}),
    late: false,
    penaltyPercent: 0,
    overridden: false,
    extended: false,
    submissions: 0,
  };
}

/** An assignment's histogram and counts over its column's cells. */
export function summarise(assignment: GradebookAssignment, cells: readonly GradebookCell[]): ColumnSummary {
  const scores = cells.map((c) => c.score).filter((s): s is number => s !== undefined);
  const top = assignment.maxScore ?? Math.max(0, ...scores);
  const width = top > 0 ? top / HISTOGRAM_BINS : 1;
  const histogram = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const s of scores) histogram[Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor(s / width)))]! += 1;
  let notStarted = 0;
  let inProgress = 0;
  for (const c of cells) {
    if (handedIn(c)) continue;
    if (c.state === 'in progress') inProgress++;
    else notStarted++;
  }
  return {
    assignment,
    histogram,
    binStarts: histogram.map((_n, i) => roundTo(i * width, 2)),
    notStarted,
    inProgress,
    submitted: cells.length - notStarted - inProgress,
    scored: scores.length,
    ...(scores.length ? { mean: roundTo(scores.reduce((a, b) => a + b, 0) / scores.length, 2) } : {}),
  };
}

function roundTo(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
