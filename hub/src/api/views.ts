// Records as clients see them: the protocol's shapes, built from store records.

import type { AssignmentSummary, GradingResult, SubmissionSummary, WorkspaceInfo, AssignmentState, GradeResult } from '@classpod/protocol';
import { effectiveDeadline, finalScore } from '../deadlines/late-policy';
import type { Assignment, Extension, Submission } from '../store/records';
import type { WorkspaceStatus } from '../workspaces/workspace-provider';

export function submissionView(s: Submission): SubmissionSummary {
  const score = finalScore(s.rawScore, s.penaltyPercent, s.override);
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
    status: s.status,
    ...(score !== undefined ? { score } : {}),
    ...(s.maxScore !== undefined ? { maxScore: s.maxScore } : {}),
    ...(s.override ? { override: s.override } : {}),
    fileCount: s.fileCount,
    totalBytes: s.totalBytes,
  };
}

/** The state of an assignment for one student. */
export function assignmentState(latest: Submission | undefined, workspaceHasFolder: boolean): AssignmentState {
  if (!latest) return workspaceHasFolder ? 'in progress' : 'not started';
  if (latest.status === 'graded' || latest.override) return 'graded';
  if (latest.late) return 'late';
  return 'submitted';
}

export function assignmentView(a: Assignment, ext: Extension | undefined, latest: Submission | undefined, started: boolean): AssignmentSummary {
  const d = effectiveDeadline(a, ext);
  const score = latest ? finalScore(latest.rawScore, latest.penaltyPercent, latest.override) : undefined;
  return {
    id: a.id,
    courseId: a.courseId,
    title: a.title,
    ...(a.opensAt ? { opensAt: a.opensAt } : {}),
    ...(d.dueAt ? { dueAt: d.dueAt.toISOString() } : {}),
    extended: d.extended,
    latePolicy: { penaltyPercentPerDay: a.penaltyPercentPerDay, ...(d.cutoffAt ? { cutoffAt: d.cutoffAt.toISOString() } : {}) },
    state: assignmentState(latest, started),
    ...(score !== undefined ? { score } : {}),
    ...(latest?.maxScore !== undefined ? { maxScore: latest.maxScore } : {}),
    ...(latest ? { latestSubmissionId: latest.id } : {}),
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

const VERDICT_WORDS: Record<string, string> = {
  AC: 'accepted',
  WA: 'wrong answer',
  TLE: 'time limit exceeded',
  WLE: 'wall-clock limit exceeded',
  MLE: 'memory limit exceeded',
  RE: 'runtime error',
  OLE: 'output limit exceeded',
  CE: 'compile error',
  SE: 'system error',
};

/** A result as the asker may see it: students get no message or diff for hidden tests. */
export function resultView(s: Submission, forStudent: boolean): GradingResult {
  const r = s.resultJson ? (JSON.parse(s.resultJson) as GradeResult & { error?: string; workerId?: string }) : undefined;
  const score = finalScore(s.rawScore, s.penaltyPercent, s.override);
  return {
    submissionId: s.id,
    status: s.status,
    ...(s.rawScore !== undefined ? { rawScore: s.rawScore } : {}),
    ...(score !== undefined ? { score } : {}),
    ...(s.maxScore !== undefined ? { maxScore: s.maxScore } : {}),
    penaltyPercent: s.penaltyPercent,
    ...(s.override ? { override: s.override } : {}),
    tests: (r?.tests ?? []).map((t) => ({
      name: t.name,
      group: t.group,
      hidden: !t.public,
      verdict: VERDICT_WORDS[t.verdict] ?? t.verdict,
      score: t.score,
      maxScore: t.maxScore,
      ...(t.public || !forStudent ? { timeMs: t.timeMs, memoryBytes: t.memoryKb * 1024, message: t.diff ? `${t.message}\n${t.diff}` : t.message } : {}),
    })),
    ...(r?.compile && r.compile.status !== 'OK' ? { buildOutput: r.compile.output } : {}),
    ...(s.gradedAt ? { gradedAt: s.gradedAt } : {}),
    ...(r?.specHash ? { provenance: { specHash: r.specHash, sourceHash: r.sourceHash, sandbox: r.sandbox, snapshotHash: s.snapshotHash, ...(r.workerId ? { worker: r.workerId } : {}) } } : {}),
    ...(r?.error ? { error: r.error } : {}),
  };
}
