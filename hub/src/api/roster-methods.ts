// `rosters/import`, `rosters/export`, `rosters/withdraw`: a course's roster,
// for its professors alone. A withdrawal (by import or by hand) stops the
// student's workspace and ends their raised hand; their files, submissions and
// grades stay.

import { errors, ExportRosterRequest, ImportRosterRequest, WithdrawStudentRequest, type RpcEndpoint } from '@classpod/protocol';
import { RosterCsvError } from '../rosters/roster-csv';
import { exportRoster, importRoster, RosterChangedError, withdrawStudent } from '../rosters/roster-import';
import type { ApiContext } from './api-context';
import type { Caller } from './authorization';
import { announceClosedHands } from './help-methods';

export function attachRosterMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  /** What follows a withdrawal: the workspace stops (the roster's transaction ended a raised hand). */
  const stopWorkspace = async (courseId: string, studentId: string): Promise<void> => {
    try {
      await ctx.provider.stop({ courseId, studentId });
    } catch (err) {
      ctx.logger.warn('could not stop the workspace of a withdrawn student', { courseId, studentId, err });
    }
  };

  endpoint.handle(ImportRosterRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    let result;
    const hands = await ctx.store.help.open(p.courseId);
    try {
      result = await importRoster(ctx.rosters, p.courseId, p.csv, { actorId: caller.person.id, apply: p.apply ?? false, previewId: p.previewId, source: 'api' });
    } catch (err) {
      if (err instanceof RosterCsvError) throw errors.invalidParams(err.message);
      if (err instanceof RosterChangedError) throw errors.conflict(err.message);
      throw err;
    }
    if (result.applied) {
      for (const c of result.changes) if (c.kind === 'withdrawn') await stopWorkspace(p.courseId, c.personId);
      await announceClosedHands(ctx, hands);
      ctx.logger.info('roster imported', { courseId: p.courseId, by: caller.person.id, ...result.counts });
    }
    return result;
  });

  endpoint.handle(ExportRosterRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    return { csv: await exportRoster(ctx.rosters, p.courseId), fileName: `${p.courseId}-roster.csv` };
  });

  endpoint.handle(WithdrawStudentRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    let withdrawn: boolean;
    const hand = await ctx.store.help.openOf(p.courseId, p.studentId);
    try {
      withdrawn = await withdrawStudent(ctx.rosters, p.courseId, p.studentId, caller.person.id);
    } catch (err) {
      if (err instanceof RosterCsvError) throw errors.notFound(err.message);
      throw err;
    }
    await stopWorkspace(p.courseId, p.studentId);
    await announceClosedHands(ctx, hand ? [hand] : []);
    return { withdrawn };
  });
}
