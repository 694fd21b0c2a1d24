// `regradeRequests/create|list|answer`: a student asks the staff to look
// again at one of their own graded submissions; the staff of the course see
// the open queue (their own section's students first, then oldest first) and
// answer, optionally regrading or overriding the score in the same act, which
// closes the request. Each change goes to the student and the course's staff
// as `events/regradeRequestChanged`.

import {
  AnswerRegradeRequestRequest,
  CreateRegradeRequestRequest,
  errors,
  ListRegradeRequestsRequest,
  RegradeRequestChangedNotification,
  type RegradeRequestInfo,
  type RpcEndpoint,
} from '@classpod/protocol';
import { publishScoreChanged } from '../events/score-events';
import { submissionCounts } from '../grading/grade-book';
import { groupOwnersOf, workOwnerName } from '../groups/work-owner';
import type { RegradeRequestRecord } from '../store/regrade-request-repository';
import { audit, type ApiContext } from './api-context';
import type { Caller } from './authorization';
import { lineCount } from './feedback-methods';
import { checkOverrideScore } from './submission-methods';
import { resultView } from './views';
import { splitSections } from '../rosters/roster-csv';

export function attachRegradeRequestMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  /** Requests as clients see them: with the student's name and section and the answerer's name. */
  const views = async (courseId: string, records: RegradeRequestRecord[]): Promise<RegradeRequestInfo[]> => {
    const sections = await ctx.rosters.sectionsIn(courseId);
    const names = new Map<string, string | undefined>();
    const nameOf = async (id: string): Promise<string | undefined> => {
      if (!names.has(id)) names.set(id, (await ctx.store.people.get(id))?.name);
      return names.get(id);
    };
    const out: RegradeRequestInfo[] = [];
    for (const r of records) {
      // A group's request is named by its members (the work is the group's, any member may ask).
      const studentName = await workOwnerName(ctx.store, courseId, r.studentId);
      const section = sections.get(r.studentId);
      const answerer = r.answer ? await nameOf(r.answer.authorId) : undefined;
      out.push({
        ...r,
        ...(studentName ? { studentName } : {}),
        ...(section ? { section } : {}),
        ...(r.answer ? { answer: { ...r.answer, ...(answerer ? { authorName: answerer } : {}) } } : {}),
      });
    }
    return out;
  };

  const announce = async (r: RegradeRequestRecord): Promise<RegradeRequestInfo> => {
    const [view] = await views(r.courseId, [r]);
    await ctx.events.publish(RegradeRequestChangedNotification.type, { request: view! }, { courseId: r.courseId, studentId: r.studentId });
    return view!;
  };

  endpoint.handle(CreateRegradeRequestRequest.type, async (p) => {
    const s = await ctx.store.submissions.get(p.submissionId);
    if (!s) throw errors.notFound(`no submission ${p.submissionId}`);
    const role = await ctx.authz.member(caller, s.courseId);
    const own = s.studentId === caller.person.id || (role === 'student' && (await groupOwnersOf(ctx.store, s.courseId, caller.person.id, s.assignmentId)).get(s.assignmentId) === s.studentId);
    if (role !== 'student' || !own) throw errors.forbidden('only the student who handed in a submission (or a member of the group that did) may ask for its regrade');
    const message = p.message.trim();
    if (message === '') throw errors.invalidParams('say what should be looked at again: the message is empty');
    if (s.status !== 'graded' && s.status !== 'failed') throw errors.conflict(`submission ${s.id} is still being graded; ask once it has a result`);
    if (p.testName !== undefined) {
      const a = await ctx.store.assignments.get(s.courseId, s.assignmentId);
      const result = resultView(s, { student: true, showHiddenNames: a?.showHiddenNames ?? false, counts: await submissionCounts(ctx.store, s) });
      const names = result.tests.map((t) => t.name ?? `hidden test ${t.hiddenIndex}`);
      if (!names.includes(p.testName)) throw errors.notFound(`submission ${s.id} has no test ${p.testName}${names.length ? `; its tests: ${names.join(', ')}` : ''}`);
    }
    if (p.line !== undefined && p.path === undefined) throw errors.invalidParams('a line needs the file (path) it is in');
    if (p.path !== undefined) {
      const entry = (await ctx.blobs.manifest(s.snapshotHash)).find((e) => e.path === p.path);
      if (!entry) throw errors.notFound(`submission ${s.id} has no file ${p.path}`);
      if (p.line !== undefined) {
        const lines = lineCount(await ctx.blobs.get(entry.sha256));
        if (p.line > lines) throw errors.invalidParams(`line ${p.line} is past the end of ${p.path}, which has ${lines} line${lines === 1 ? '' : 's'}`);
      }
    }
    const open = await ctx.store.regradeRequests.openFor(s.id);
    if (open) throw errors.conflict(`you already asked for a regrade of submission ${s.id} (${open.at}); wait for the answer before asking again`, { requestId: open.id });
    let created: RegradeRequestRecord;
    try {
      created = await ctx.store.regradeRequests.create({
        submissionId: s.id,
        courseId: s.courseId,
        assignmentId: s.assignmentId,
        studentId: s.studentId,
        ...(p.testName !== undefined ? { testName: p.testName } : {}),
        ...(p.path !== undefined ? { path: p.path } : {}),
        ...(p.line !== undefined ? { line: p.line } : {}),
        message,
        at: ctx.clock.now().toISOString(),
      });
    } catch (err) {
      // The unique index on open requests: another request for it was made at the same moment.
      if (await ctx.store.regradeRequests.openFor(s.id)) throw errors.conflict(`you already asked for a regrade of submission ${s.id}; wait for the answer before asking again`);
      throw err;
    }
    await audit(ctx, caller, 'regrade-request.create', s.courseId, s.id, { request: created.id, testName: p.testName, path: p.path, line: p.line });
    return { request: await announce(created) };
  });

  endpoint.handle(ListRegradeRequestsRequest.type, async (p) => {
    const role = await ctx.authz.member(caller, p.courseId);
    if (role === 'student') {
      // Their own requests and those of their groups, newest first.
      const owners = [caller.person.id, ...(await groupOwnersOf(ctx.store, p.courseId, caller.person.id, p.assignmentId)).values()];
      const mine = (await Promise.all(owners.map((studentId) => ctx.store.regradeRequests.list({ courseId: p.courseId, studentId, assignmentId: p.assignmentId, all: true })))).flat();
      mine.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
      return { requests: await views(p.courseId, mine) };
    }
    const all = await ctx.store.regradeRequests.list({ courseId: p.courseId, assignmentId: p.assignmentId, all: p.state === 'all' });
    const shown = await views(p.courseId, all);
    const mySections = new Set(splitSections((await ctx.rosters.sectionsIn(p.courseId)).get(caller.person.id)));
    if (mySections.size > 0) {
      // Stable: within each part the order stays oldest first.
      const rank = (r: RegradeRequestInfo): number => (r.section !== undefined && mySections.has(r.section) ? 0 : 1);
      shown.sort((a, b) => rank(a) - rank(b));
    }
    return { requests: shown };
  });

  endpoint.handle(AnswerRegradeRequestRequest.type, async (p) => {
    const r = await ctx.store.regradeRequests.get(p.requestId);
    if (!r) throw errors.notFound(`no regrade request ${p.requestId}`);
    await ctx.authz.staff(caller, r.courseId);
    const message = p.message.trim();
    if (message === '') throw errors.invalidParams('an answer needs some text: the student reads it');
    const action = p.action ?? 'close';
    if (action === 'override' && p.score === undefined) throw errors.invalidParams('an override needs the score to set');
    if (action !== 'override' && p.score !== undefined) throw errors.invalidParams("a score is set only with action 'override'");
    if (r.state !== 'open') throw errors.conflict(`regrade request ${r.id} was already answered`);
    const s = await ctx.store.submissions.get(r.submissionId);
    if (!s) throw errors.notFound(`no submission ${r.submissionId}`);
    if (action === 'override') {
      const a = await ctx.store.assignments.get(s.courseId, s.assignmentId);
      checkOverrideScore(p.score!, s.maxScore ?? a?.maxScore, a?.bonusPoints ?? 0, s.assignmentId);
    }
    const outcome = action === 'override' ? 'overridden' : action === 'regrade' ? 'regraded' : 'closed';
    const answer = { message, outcome, ...(p.score !== undefined ? { score: p.score } : {}), authorId: caller.person.id, at: ctx.clock.now().toISOString() } as const;
    if (!(await ctx.store.regradeRequests.answer(r.id, answer))) throw errors.conflict(`regrade request ${r.id} was already answered`);
    await audit(ctx, caller, 'regrade-request.answer', r.courseId, r.submissionId, { request: r.id, outcome, score: p.score });
    if (action === 'regrade') {
      await ctx.store.submissions.requeue([s.id]);
      await audit(ctx, caller, 'submission.regrade', s.courseId, s.id, { submissions: [s.id], request: r.id });
      ctx.queue.wake();
    } else if (action === 'override') {
      await ctx.store.submissions.setOverride(s.id, { score: p.score!, comment: message, authorId: caller.person.id });
      await audit(ctx, caller, 'score.override', s.courseId, s.id, { score: p.score, comment: message, request: r.id });
      await publishScoreChanged(ctx.events, ctx.store, (await ctx.store.submissions.get(s.id))!, 'override');
    }
    return { request: await announce((await ctx.store.regradeRequests.get(r.id))!) };
  });
}
