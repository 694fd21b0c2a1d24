// `people/whoami`, `courses/list`, `courses/people`. A course the caller was
// withdrawn from is not among theirs.

import { ListCoursePeopleRequest, ListCoursesRequest, WhoAmIRequest, type RpcEndpoint, type CourseSummary } from '@classpod/protocol';
import { splitSections } from '../rosters/roster-csv';
import type { ApiContext } from './api-context';
import type { Caller } from './authorization';

export function attachCourseMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  endpoint.handle(WhoAmIRequest.type, async () => {
    const person = (await ctx.store.people.get(caller.person.id)) ?? caller.person;
    const withdrawn = await ctx.rosters.withdrawnCoursesOf(person.id);
    const enrolments = (await ctx.store.courses.enrolmentsOf(person.id)).filter((e) => !withdrawn.has(e.courseId));
    return {
      personId: person.id,
      name: person.name,
      ...(person.email ? { email: person.email } : {}),
      admin: person.admin,
      courses: enrolments.map((e) => ({ courseId: e.courseId, role: e.role })),
      serverTime: ctx.clock.now().toISOString(),
      scopes: caller.scopes,
    };
  });

  endpoint.handle(ListCoursesRequest.type, async () => {
    const withdrawn = await ctx.rosters.withdrawnCoursesOf(caller.person.id);
    const enrolments = (await ctx.store.courses.enrolmentsOf(caller.person.id)).filter((e) => !withdrawn.has(e.courseId));
    const roles = new Map(enrolments.map((e) => [e.courseId, e.role]));
    const courses = caller.person.admin ? await ctx.store.courses.list() : (await ctx.store.courses.list()).filter((c) => roles.has(c.id));
    const out: CourseSummary[] = [];
    for (const c of courses) {
      const role = roles.get(c.id) ?? 'professor';
      const now = ctx.clock.now().toISOString();
      const assignments = (await ctx.store.assignments.list(c.id)).filter((a) => role !== 'student' || !a.opensAt || a.opensAt <= now);
      const students = role === 'student' ? 0 : (await ctx.store.courses.members(c.id, 'student')).length;
      const sections = splitSections((await ctx.rosters.sectionsIn(c.id)).get(caller.person.id));
      out.push({ id: c.id, title: c.title, role, assignments: assignments.length, students, ...(sections.length > 0 ? { section: sections[0]!, sections } : {}) });
    }
    return { courses: out };
  });

  endpoint.handle(ListCoursePeopleRequest.type, async (p) => {
    await ctx.authz.staff(caller, p.courseId);
    const people = await ctx.store.courses.members(p.courseId);
    const sections = await ctx.rosters.sectionsIn(p.courseId);
    const withdrawn = await ctx.rosters.withdrawnIn(p.courseId);
    return {
      people: people.map((m) => ({
        personId: m.id,
        name: m.name,
        ...(m.email ? { email: m.email } : {}),
        role: m.role,
        ...(sections.has(m.id) ? { section: splitSections(sections.get(m.id))[0]!, sections: splitSections(sections.get(m.id)) } : {}),
        ...(withdrawn.has(m.id) ? { withdrawn: true } : {}),
      })),
    };
  });
}
