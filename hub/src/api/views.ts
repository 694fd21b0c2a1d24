// Records as clients see them: the protocol's shapes, built from store records.
// Results keep the grader's verdict codes and differences as data; words are
// made by the clients that show them.

import type {
  AssignmentState,
  AssignmentSummary,
  GradeResult,
  GradingResult,
  SubmissionAttempts,
  SubmissionSummary,
  TestCaseResult,
  TestResultView,
  WorkspaceInfo,
} from '@classpod/protocol';
import { hiddenRevealTime } from '../deadlines/hidden-reveal';
import { effectiveDeadline } from '../deadlines/late-policy';
import { submissionScore } from '../grading/submission-score';
import { lateDayStanding, type LateDayAccount } from '../deadlines/late-days';
import { submissionLimitsOf } from '../submissions/attempt-policy';
import type { Assignment, Extension, Submission } from '../store/records';
import type { WorkspaceStatus } from '../workspaces/workspace-provider';

export function submissionView(s: Submission): SubmissionSummary {
  const score = submissionScore(s);
  return {
    id: s.id,
    courseId: s.courseId,
    assignmentId: s.assignmentId,
    studentId: s.studentId,
    snapshotHash: s.snapshotHash,
    submittedAt: s.submittedAt,
    source: s.source,
    late: s.late,
    penaltyPercent: s.penaltyPercent,
    ...(s.lateDaysUsed ? { lateDaysUsed: s.lateDaysUsed } : {}),
    status: s.status,
    ...(score !== undefined ? { score } : {}),
    ...(s.maxScore !== undefined ? { maxScore: s.maxScore } : {}),
    ...(s.rubricPoints !== undefined ? { rubricPoints: s.rubricPoints } : {}),
    ...(s.override ? { override: s.override } : {}),
    fileCount: s.fileCount,
    totalBytes: s.totalBytes,
  };
}

/** The state of an assignment for one student, from the submission that counts. */
export function assignmentState(latest: Submission | undefined, workspaceHasFolder: boolean): AssignmentState {
  if (!latest) return workspaceHasFolder ? 'in progress' : 'not started';
  if (latest.status === 'graded' || latest.override) return 'graded';
  if (latest.late) return 'late';
  return 'submitted';
}

/**
 * `account`: the student's late days in the course, shown when they have any;
 * `attempts`: the student's attempts against the assignment's submission limits (views for one student);
 * `groupAccount`: on a group assignment, the account of the student's group (what it may use and used).
 */
export function assignmentView(
  a: Assignment,
  ext: Extension | undefined,
  latest: Submission | undefined,
  started: boolean,
  account?: LateDayAccount,
  attempts?: SubmissionAttempts,
  groupAccount?: LateDayAccount,
): AssignmentSummary {
  const d = effectiveDeadline(a, ext);
  const standing = account && account.total > 0 ? lateDayStanding(account, a, groupAccount) : undefined;
  const base = d.cutoffAt ?? d.dueAt;
  const limits = submissionLimitsOf(a);
  const revealAt = hiddenRevealTime(a, ext, standing?.allowed ?? 0);
  const score = latest ? submissionScore(latest) : undefined;
  return {
    id: a.id,
    courseId: a.courseId,
    title: a.title,
    ...(a.opensAt ? { opensAt: a.opensAt } : {}),
    ...(d.dueAt ? { dueAt: d.dueAt.toISOString() } : {}),
    extended: d.extended,
    latePolicy: {
      penaltyPercentPerDay: a.penaltyPercentPerDay,
      ...(d.cutoffAt ? { cutoffAt: d.cutoffAt.toISOString() } : {}),
      ...(a.maxLateDays !== undefined ? { maxLateDays: a.maxLateDays } : {}),
    },
    state: assignmentState(latest, started),
    ...(score !== undefined ? { score } : {}),
    ...(latest?.maxScore !== undefined ? { maxScore: latest.maxScore } : {}),
    ...(latest ? { latestSubmissionId: latest.id } : {}),
    ...(latest?.override ? { override: latest.override } : {}),
    ...(standing
      ? { lateDays: { ...standing, ...(base ? { lastSubmissionAt: new Date(base.getTime() + standing.allowed * 86_400_000).toISOString() } : {}) } }
      : {}),
    ...(limits ? { submissionLimits: limits } : {}),
    ...(attempts ? { attempts } : {}),
    ...(revealAt ? { hiddenRevealAt: revealAt.toISOString() } : {}),
    ...(a.groupMaxSize !== undefined ? { groupMaxSize: a.groupMaxSize } : {}),
  };
}

export function workspaceView(s: WorkspaceStatus, studentName?: string): WorkspaceInfo {
  return {
    workspaceId: s.workspaceId,
    courseId: s.courseId,
    studentId: s.studentId,
    ...(studentName ? { studentName } : {}),
    state: s.state,
    ...(s.reason ? { reason: s.reason } : {}),
    ...(s.node ? { node: s.node } : {}),
    ...(s.startedAt ? { startedAt: s.startedAt } : {}),
    ...(s.cpuMillicores !== undefined ? { cpuMillicores: s.cpuMillicores } : {}),
    ...(s.memoryBytes !== undefined ? { memoryBytes: s.memoryBytes } : {}),
    connectPath: `/v1/workspaces/${s.workspaceId}/connect`,
  };
}

/** Who reads a result, and what the assignment lets students see. */
export interface ResultViewer {
  /** A student (the submission's own): hidden tests show only their verdict and score. */
  student: boolean;
  /** The assignment shows students the names of hidden tests. */
  showHiddenNames: boolean;
  /** Whether the submission is the one that counts for the student's score. */
  counts: boolean;
  /** The names are shown because the deadline passed and the assignment reveals them then. */
  hiddenRevealed?: boolean;
}

/** One test as the viewer may see it: the grader's fields, hidden details left out for students. */
export function testResultView(t: TestCaseResult, hiddenIndex: number | undefined, viewer: ResultViewer): TestResultView {
  const position = hiddenIndex !== undefined ? { hiddenIndex } : {};
  if (t.public || !viewer.student) return { ...t, ...position };
  return {
    ...(viewer.showHiddenNames ? { name: t.name, group: t.group } : {}),
    public: false,
    ...position,
    verdict: t.verdict,
    score: t.score,
    maxScore: t.maxScore,
  };
}

/** A result as the viewer may see it: verdict codes and differences as the grader gave them. */
export function resultView(s: Submission, viewer: ResultViewer): GradingResult {
  const r = s.resultJson ? (JSON.parse(s.resultJson) as Partial<GradeResult> & { error?: string } & Record<string, unknown>) : undefined;
  const score = submissionScore(s);
  let hidden = 0;
  const tests = (r?.tests ?? []).map((t) => testResultView(t, t.public ? undefined : ++hidden, viewer));
  return {
    submissionId: s.id,
    status: s.status,
    ...(s.rawScore !== undefined ? { rawScore: s.rawScore } : {}),
    ...(score !== undefined ? { score } : {}),
    ...(s.maxScore !== undefined ? { maxScore: s.maxScore } : {}),
    penaltyPercent: s.penaltyPercent,
    ...(s.rubricPoints !== undefined ? { rubricPoints: s.rubricPoints } : {}),
    ...(s.override ? { override: s.override } : {}),
    counts: viewer.counts,
    tests,
    hiddenTests: hidden,
    ...(viewer.student && viewer.hiddenRevealed && hidden > 0 ? { hiddenRevealed: true } : {}),
    ...(r?.compile ? { compile: r.compile } : {}),
    ...(s.gradedAt ? { gradedAt: s.gradedAt } : {}),
    ...(r?.specHash ? { provenance: provenanceOf(r, s.snapshotHash) } : {}),
    ...(r?.error ? { error: r.error } : {}),
  };
}

/** What a score was computed from, as `name → value`: hashes, sandbox, worker, and the toolchains of its grade record. */
function provenanceOf(r: Partial<GradeResult> & Record<string, unknown>, snapshotHash: string): Record<string, string> {
  const out: Record<string, string> = { specHash: r.specHash ?? '', sourceHash: r.sourceHash ?? '', sandbox: r.sandbox ?? '', snapshotHash };
  if (typeof r.workerId === 'string') out.worker = r.workerId;
  // The grader's provenance record: each toolchain as `version · hash`, the sandbox's own version.
  const p = r.provenance;
  if (p) {
    out.toolchainHash = p.toolchainHash;
    for (const t of p.toolchains) out[`toolchain.${t.language}`] = `${t.version} · ${t.hash}`;
    out.sandboxVersion = p.sandbox.version;
    out.cgroups = String(p.sandbox.cgroups);
    out.kernel = p.host.kernel;
    out.gradedAt = p.gradedAt;
  }
  return out;
}
