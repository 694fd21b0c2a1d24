// `courses/create|settings|update`, `assignments/setDates`: course
// administration. Creating a course is for administrators and for professors
// (of any course), who become its professor; the rest is for the course's
// professors alone.

import { CreateCourseRequest, errors, GetCourseSettingsRequest, SetAssignmentDatesRequest, UpdateCourseRequest, type CourseSettings, type RpcEndpoint } from '@classpod/protocol';
import { reviewAndAnnounceLateness } from '../deadlines/lateness-review';
import type { AssignmentDates, CourseSettingsRecord } from '../store/course-settings-repository';
import type { ApiContext } from './api-context';
import type { Caller } from './authorization';

function settingsView(r: CourseSettingsRecord): CourseSettings {
  return {
    courseId: r.courseId,
    title: r.title,
    ...(r.officialSandboxes ? { officialSandboxes: r.officialSandboxes as CourseSettings['officialSandboxes'] } : {}),
    ...(r.idleStopSeconds !== undefined ? { idleMinutes: r.idleStopSeconds / 60 } : {}),
    ...(r.lateDays !== undefined ? { lateDays: r.lateDays } : {}),
  };
}

export function attachCourseAdminMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  const courses = ctx.store.courseSettings;
  const settings = async (courseId: string): Promise<CourseSettings> => {
    const r = await courses.get(courseId);
    if (!r) throw errors.notFound(`no course ${courseId}`);
    return settingsView(r);
  };

  endpoint.handle(CreateCourseRequest.type, async (p) => {
    const professorSomewhere = caller.person.admin || (await ctx.store.courses.enrolmentsOf(caller.person.id)).some((e) => e.role === 'professor');
    if (!professorSomewhere) throw errors.forbidden('only administrators and professors create courses');
    if (!(await courses.create(p.courseId, p.title.trim(), caller.person.id))) throw errors.conflict(`a course ${p.courseId} exists already`);
    return { settings: await settings(p.courseId) };
  });

  endpoint.handle(GetCourseSettingsRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    return { settings: await settings(p.courseId) };
  });

  endpoint.handle(UpdateCourseRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    if (p.title !== undefined && p.title.trim() === '') throw errors.invalidParams('the title is empty');
    await courses.update(p.courseId, caller.person.id, {
      ...(p.title !== undefined ? { title: p.title.trim() } : {}),
      ...(p.officialSandboxes !== undefined ? { officialSandboxes: p.officialSandboxes === null ? null : [...new Set(p.officialSandboxes)] } : {}),
      ...(p.idleMinutes !== undefined ? { idleStopSeconds: p.idleMinutes === null ? null : Math.round(p.idleMinutes * 60) } : {}),
      ...(p.lateDays !== undefined ? { lateDays: p.lateDays } : {}),
    });
    // Every student's countdown shows their late days: give their workspaces the new count,
    // and judge the late work already handed in with the course's new grant.
    if (p.lateDays !== undefined) {
      await reviewAndAnnounceLateness(ctx.store, ctx.events, p.courseId);
      await ctx.workspaces.refreshCourse(p.courseId);
    }
    return { settings: await settings(p.courseId) };
  });

  endpoint.handle(SetAssignmentDatesRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    const now = await courses.assignmentDates(p.courseId, p.assignmentId);
    if (!now) throw errors.notFound(`no assignment ${p.assignmentId} in course ${p.courseId}`);
    const pick = (v: string | null | undefined, was: string | undefined): string | undefined => (v === undefined ? was : v === null ? undefined : new Date(v).toISOString());
    const next: AssignmentDates = {
      ...(pick(p.opensAt, now.opensAt) ? { opensAt: pick(p.opensAt, now.opensAt) } : {}),
      ...(pick(p.dueAt, now.dueAt) ? { dueAt: pick(p.dueAt, now.dueAt) } : {}),
      ...(pick(p.cutoffAt, now.cutoffAt) ? { cutoffAt: pick(p.cutoffAt, now.cutoffAt) } : {}),
      penaltyPercentPerDay: p.penaltyPercentPerDay ?? now.penaltyPercentPerDay,
    };
    if (next.opensAt && next.dueAt && next.opensAt >= next.dueAt) throw errors.invalidParams(`the assignment would open (${next.opensAt}) at or after it is due (${next.dueAt})`);
    if (next.cutoffAt && !next.dueAt) throw errors.invalidParams('a late cut-off needs a due time');
    if (next.cutoffAt && next.dueAt && next.cutoffAt < next.dueAt) throw errors.invalidParams(`the late cut-off (${next.cutoffAt}) is before the due time (${next.dueAt})`);
    await courses.setAssignmentDates(p.courseId, p.assignmentId, caller.person.id, next);
    // The work already handed in is late (or not) by the new dates and penalty.
    await reviewAndAnnounceLateness(ctx.store, ctx.events, p.courseId);
    await ctx.workspaces.refreshCourse(p.courseId);
    return next;
  });
}
