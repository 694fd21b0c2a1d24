// `submissions/submit|list|get|files|readFile|regrade`, `results/get`,
// `scores/override`, `grades/export`. An override is checked against the
// assignment's maximum and bonus policy; a new score is announced with
// whether its submission is the one that counts.

import {
  errors,
  ExportGradesRequest,
  GetResultRequest,
  GetSubmissionRequest,
  ListSubmissionFilesRequest,
  ListSubmissionsRequest,
  OverrideScoreRequest,
  ReadSubmissionFileRequest,
  RegradeRequest,
  SubmitRequest,
  type RpcEndpoint,
} from '@classpod/protocol';
import { hiddenNamesRevealed } from '../deadlines/hidden-reveal';
import { lateDayAccounts } from '../deadlines/late-day-accounts';
import { lateDayStanding } from '../deadlines/late-days';
import { publishScoreChanged } from '../events/score-events';
import { attemptsView, submissionLimitsOf } from '../submissions/attempt-policy';
import { countingSubmissions, submissionCounts } from '../grading/grade-book';
import { gradesCsv } from '../grading/grade-export';
import { groupOwnersOf, ownerOf } from '../groups/work-owner';
import type { Submission } from '../store/records';
import { audit, type ApiContext } from './api-context';
import type { Caller } from './authorization';
import { resultView, submissionView } from './views';

export function attachSubmissionMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  /** A submission the caller may see, with the caller's role. */
  const readable = async (id: string): Promise<{ s: Submission; role: string }> => {
    const s = await ctx.store.submissions.get(id);
    if (!s) throw errors.notFound(`no submission ${id}`);
    const role = await ctx.authz.studentWork(caller, s.courseId, s.studentId);
    return { s, role };
  };

  endpoint.handle(SubmitRequest.type, async (p) => {
    const role = await ctx.authz.member(caller, p.courseId);
    if (role !== 'student') throw errors.forbidden(`only students of course ${p.courseId} submit work`);
    const a = await ctx.store.assignments.get(p.courseId, p.assignmentId);
    if (!a) throw errors.notFound(`no assignment ${p.assignmentId} in course ${p.courseId}`);
    // On a group assignment, a member's submission is the group's: its workspace's folder, under the group's work owner id.
    const s = await ctx.intake.submit(a, await ownerOf(ctx.store, a, caller.person.id));
    const limited = submissionLimitsOf(a) !== undefined;
    const attempts = limited ? attemptsView(a, await ctx.store.attempts.get({ courseId: a.courseId, assignmentId: a.id, studentId: s.studentId }), new Date(s.submittedAt)) : undefined;
    return { submission: submissionView(s), serverTime: s.submittedAt, ...(attempts ? { attempts } : {}) };
  });

  endpoint.handle(ListSubmissionsRequest.type, async (p) => {
    let studentId = p.studentId;
    if (studentId) await ctx.authz.studentWork(caller, p.courseId, studentId);
    else if ((await ctx.authz.member(caller, p.courseId)) === 'student') studentId = caller.person.id;
    if (!studentId) {
      const list = await ctx.store.submissions.list({ courseId: p.courseId, assignmentId: p.assignmentId });
      return { submissions: list.map(submissionView) };
    }
    // A member's submissions to a group assignment are the group's.
    const owners = await groupOwnersOf(ctx.store, p.courseId, studentId, p.assignmentId);
    const list = [];
    for (const [assignmentId, owner] of owners) list.push(...(await ctx.store.submissions.list({ courseId: p.courseId, assignmentId, studentId: owner })));
    if (owners.size === 0 || p.assignmentId === undefined) {
      list.push(...(await ctx.store.submissions.list({ courseId: p.courseId, assignmentId: p.assignmentId, studentId })).filter((s) => !owners.has(s.assignmentId)));
    }
    list.sort((x, y) => (x.submittedAt < y.submittedAt ? 1 : x.submittedAt > y.submittedAt ? -1 : 0));
    return { submissions: list.map(submissionView) };
  });

  endpoint.handle(GetSubmissionRequest.type, async (p) => ({ submission: submissionView((await readable(p.submissionId)).s) }));

  endpoint.handle(ListSubmissionFilesRequest.type, async (p) => {
    const { s } = await readable(p.submissionId);
    return { files: await ctx.blobs.manifest(s.snapshotHash) };
  });

  endpoint.handle(ReadSubmissionFileRequest.type, async (p) => {
    const { s } = await readable(p.submissionId);
    const entry = (await ctx.blobs.manifest(s.snapshotHash)).find((e) => e.path === p.path);
    if (!entry) throw errors.notFound(`submission ${s.id} has no file ${p.path}`);
    const content = await ctx.blobs.get(entry.sha256);
    return { path: entry.path, contentBase64: content.toString('base64'), size: entry.size, sha256: entry.sha256 };
  });

  endpoint.handle(GetResultRequest.type, async (p) => {
    const { s, role } = await readable(p.submissionId);
    const a = await ctx.store.assignments.get(s.courseId, s.assignmentId);
    // Revealed by the hub's clock against the submission's student's own deadline (extension and late days included).
    let revealed = false;
    if (a?.revealHiddenAfterDeadline) {
      const account = (await lateDayAccounts(ctx.store, s.courseId, { studentId: s.studentId })).get(s.studentId);
      const allowed = account && account.total > 0 ? lateDayStanding(account, a).allowed : 0;
      revealed = hiddenNamesRevealed(a, await ctx.store.extensions.get(s.courseId, s.assignmentId, s.studentId), ctx.clock.now(), allowed);
    }
    const viewer = {
      student: role === 'student',
      showHiddenNames: (a?.showHiddenNames ?? false) || revealed,
      hiddenRevealed: revealed && !a?.showHiddenNames,
      counts: await submissionCounts(ctx.store, s),
    };
    return { result: resultView(s, viewer) };
  });

  endpoint.handle(RegradeRequest.type, async (p) => {
    await ctx.authz.staff(caller, p.courseId);
    let ids: string[];
    if (p.submissionId) {
      const s = await ctx.store.submissions.get(p.submissionId);
      if (!s || s.courseId !== p.courseId) throw errors.notFound(`no submission ${p.submissionId} in course ${p.courseId}`);
      ids = [s.id];
    } else if (p.assignmentId || p.studentId) {
      if (p.studentId && (await ctx.store.courses.roleIn(p.courseId, p.studentId)) !== 'student') {
        throw errors.notFound(`${p.studentId} is not a student of course ${p.courseId}`);
      }
      const all = await ctx.store.submissions.list({ courseId: p.courseId, assignmentId: p.assignmentId, studentId: p.studentId });
      ids = [...countingSubmissions(all).values()].map((s) => s.id);
    } else {
      throw errors.invalidParams('name a submissionId, an assignmentId or a studentId to regrade');
    }
    await ctx.store.submissions.requeue(ids);
    await audit(ctx, caller, 'submission.regrade', p.courseId, p.submissionId ?? p.assignmentId ?? p.studentId, { submissions: ids });
    ctx.queue.wake();
    return { queued: ids };
  });

  endpoint.handle(OverrideScoreRequest.type, async (p) => {
    const s = await ctx.store.submissions.get(p.submissionId);
    if (!s) throw errors.notFound(`no submission ${p.submissionId}`);
    await ctx.authz.staff(caller, s.courseId);
    if (p.score !== undefined) {
      const a = await ctx.store.assignments.get(s.courseId, s.assignmentId);
      checkOverrideScore(p.score, s.maxScore ?? a?.maxScore, a?.bonusPoints ?? 0, s.assignmentId);
    }
    await ctx.store.submissions.setOverride(s.id, p.score === undefined ? undefined : { score: p.score, comment: p.comment, authorId: caller.person.id });
    await audit(ctx, caller, p.score === undefined ? 'score.override.remove' : 'score.override', s.courseId, s.id, { score: p.score, comment: p.comment });
    const updated = (await ctx.store.submissions.get(s.id))!;
    await publishScoreChanged(ctx.events, ctx.store, updated, 'override');
    return { submission: submissionView(updated) };
  });

  endpoint.handle(ExportGradesRequest.type, async (p) => {
    await ctx.authz.staff(caller, p.courseId);
    if (p.assignmentId !== undefined && !(await ctx.store.assignments.get(p.courseId, p.assignmentId))) {
      throw errors.notFound(`no assignment ${p.assignmentId} in course ${p.courseId}`);
    }
    await audit(ctx, caller, 'grades.export', p.courseId, p.assignmentId);
    return {
      csv: await gradesCsv(ctx.store, p.courseId, p.assignmentId),
      fileName: p.assignmentId === undefined ? `${p.courseId}-grades.csv` : `${p.courseId}-${p.assignmentId}-grades.csv`,
    };
  });
}

/**
 * An override lies between 0 and the maximum, plus the bonus points the
 * assignment allows; anything else is refused with what would be accepted.
 */
export function checkOverrideScore(score: number, maxScore: number | undefined, bonusPoints: number, assignmentId: string): void {
  if (!Number.isFinite(score) || score < 0) throw errors.invalidParams(`score ${score} is below 0; an override lies between 0 and the maximum`);
  if (maxScore === undefined) return;
  const ceiling = maxScore + bonusPoints;
  if (score > ceiling) {
    throw errors.invalidParams(
      bonusPoints > 0
        ? `score ${score} is above ${ceiling}: the maximum of ${assignmentId} is ${maxScore}, and its bonus policy allows at most ${bonusPoints} more`
        : `score ${score} is above the maximum of ${maxScore} for ${assignmentId}; to give bonus points, set scores.bonusPoints in its assignment.yaml`,
    );
  }
}
