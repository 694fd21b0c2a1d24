// `rubrics/get|set|submission|apply`: an assignment's rubric and the items
// applied to a submission. Professors edit the rubric; the staff of the
// submission's course apply and unapply its items (each change audit-logged
// and announced as a new score); the student reads the rubric of their own
// submissions. Item ids are checked against the submission's own assignment.

import {
  ApplyRubricRequest,
  errors,
  GetRubricRequest,
  GetSubmissionRubricRequest,
  SetRubricRequest,
  type RpcEndpoint,
  type SubmissionRubric,
} from '@classpod/protocol';
import { publishScoreChanged } from '../events/score-events';
import type { Submission } from '../store/records';
import { audit, type ApiContext } from './api-context';
import type { Caller } from './authorization';
import { submissionView } from './views';

export function attachRubricMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  /** The assignment, which must exist in the course. */
  const assignment = async (courseId: string, assignmentId: string): Promise<void> => {
    if (!(await ctx.store.assignments.get(courseId, assignmentId))) throw errors.notFound(`no assignment ${assignmentId} in course ${courseId}`);
  };

  /** A submission's rubric as clients see it. */
  const rubricOf = async (s: Submission): Promise<SubmissionRubric> => {
    const items = await ctx.store.rubrics.items({ courseId: s.courseId, assignmentId: s.assignmentId });
    const applications = new Map((await ctx.store.rubrics.applied(s.id)).map((a) => [a.itemId, a]));
    const names = new Map<string, string | undefined>();
    for (const id of new Set([...applications.values()].map((a) => a.appliedBy))) names.set(id, (await ctx.store.people.get(id))?.name);
    const applied = items.flatMap((i) => {
      const a = applications.get(i.id);
      if (!a) return [];
      const name = names.get(a.appliedBy);
      return [{ itemId: i.id, points: i.points, description: i.description, appliedBy: a.appliedBy, ...(name ? { appliedByName: name } : {}), appliedAt: a.appliedAt }];
    });
    const points = Math.round(applied.reduce((t, a) => t + a.points, 0) * 1000) / 1000;
    return { submissionId: s.id, courseId: s.courseId, assignmentId: s.assignmentId, items, applied, points };
  };

  endpoint.handle(GetRubricRequest.type, async (p) => {
    await ctx.authz.staff(caller, p.courseId);
    await assignment(p.courseId, p.assignmentId);
    return { items: await ctx.store.rubrics.items(p), appliedTo: await ctx.store.rubrics.appliedCounts(p) };
  });

  endpoint.handle(SetRubricRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    await assignment(p.courseId, p.assignmentId);
    const seen = new Set<string>();
    const items = p.items.map((i) => {
      if (seen.has(i.id)) throw errors.invalidParams(`rubric item ${i.id} is named twice`);
      seen.add(i.id);
      const description = i.description.trim();
      if (description === '') throw errors.invalidParams(`rubric item ${i.id} needs a description`);
      if (!Number.isFinite(i.points)) throw errors.invalidParams(`rubric item ${i.id}: points must be a number`);
      return { id: i.id, points: i.points, description };
    });
    const rescored = await ctx.store.rubrics.replace({ courseId: p.courseId, assignmentId: p.assignmentId }, items);
    await audit(ctx, caller, 'rubric.set', p.courseId, p.assignmentId, { items, rescored: rescored.length });
    for (const id of rescored) {
      const s = await ctx.store.submissions.get(id);
      if (s) await publishScoreChanged(ctx.events, ctx.store, s, 'rubric');
    }
    return { items: await ctx.store.rubrics.items(p), rescored: rescored.length };
  });

  endpoint.handle(GetSubmissionRubricRequest.type, async (p) => {
    const s = await ctx.store.submissions.get(p.submissionId);
    if (!s) throw errors.notFound(`no submission ${p.submissionId}`);
    await ctx.authz.studentWork(caller, s.courseId, s.studentId);
    return { rubric: await rubricOf(s) };
  });

  endpoint.handle(ApplyRubricRequest.type, async (p) => {
    const s = await ctx.store.submissions.get(p.submissionId);
    if (!s) throw errors.notFound(`no submission ${p.submissionId}`);
    await ctx.authz.staff(caller, s.courseId);
    const apply = p.apply ?? [];
    const unapply = p.unapply ?? [];
    if (apply.length === 0 && unapply.length === 0) throw errors.invalidParams('name the rubric items to apply (apply) or unapply (unapply)');
    const both = apply.find((id) => unapply.includes(id));
    if (both !== undefined) throw errors.invalidParams(`rubric item ${both} is both applied and unapplied`);
    const known = new Set((await ctx.store.rubrics.items({ courseId: s.courseId, assignmentId: s.assignmentId })).map((i) => i.id));
    const unknown = [...apply, ...unapply].find((id) => !known.has(id));
    if (unknown !== undefined) throw errors.notFound(`the rubric of ${s.assignmentId} has no item ${unknown}`);
    const changed = await ctx.store.rubrics.apply(s, apply, unapply, caller.person.id);
    for (const id of changed.applied) await audit(ctx, caller, 'rubric.apply', s.courseId, s.id, { item: id });
    for (const id of changed.unapplied) await audit(ctx, caller, 'rubric.unapply', s.courseId, s.id, { item: id });
    const updated = (await ctx.store.submissions.get(s.id))!;
    if (changed.applied.length > 0 || changed.unapplied.length > 0) await publishScoreChanged(ctx.events, ctx.store, updated, 'rubric');
    return { rubric: await rubricOf(updated), submission: submissionView(updated) };
  });
}
