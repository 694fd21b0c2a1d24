// Who may do what. Every API method asks one of these before it reads or
// writes anything: a student sees only their own work, staff (professors and
// assistants) only their courses, and a few actions are for professors alone.
// Administrators act as professors everywhere. A student withdrawn from a
// course is refused every request in it (their work stays for the staff).

import { errors } from '@classpod/protocol';
import { parseGroupOwner } from '../groups/work-owner';
import type { Person, Role } from '../store/records';
import type { RosterRepository } from '../store/roster-repository';
import type { Store } from '../store/store';

/** The caller of one connection. */
export interface Caller {
  person: Person;
  scopes: string[];
}

export class Authorization {
  constructor(
    private readonly store: Store,
    private readonly rosters: RosterRepository,
  ) {}

  /** The caller's role in a course; administrators count as professors of every existing course. */
  async roleIn(caller: Caller, courseId: string): Promise<Role | undefined> {
    const role = await this.store.courses.roleIn(courseId, caller.person.id);
    if (role) return role;
    if (caller.person.admin && (await this.store.courses.get(courseId))) return 'professor';
    return undefined;
  }

  /** Any member of the course; a withdrawn student is refused everything in it. */
  async member(caller: Caller, courseId: string): Promise<Role> {
    const role = await this.roleIn(caller, courseId);
    if (!role) {
      if (caller.person.admin) throw errors.notFound(`no course ${courseId}`);
      throw errors.forbidden(`you are not a member of course ${courseId}`);
    }
    if (role === 'student' && (await this.rosters.isWithdrawn(courseId, caller.person.id))) {
      throw errors.forbidden(`you were withdrawn from course ${courseId}: your submissions and grades are kept, but you can no longer work in it; ask its staff if this is a mistake`);
    }
    return role;
  }

  /** Professors and assistants. */
  async staff(caller: Caller, courseId: string): Promise<Role> {
    const role = await this.member(caller, courseId);
    if (role === 'student') throw errors.forbidden(`only the staff of course ${courseId} may do this`);
    return role;
  }

  /** Professors only. */
  async professor(caller: Caller, courseId: string): Promise<void> {
    const role = await this.member(caller, courseId);
    if (role !== 'professor') throw errors.forbidden(`only professors of course ${courseId} may do this`);
  }

  /**
   * The student themself, or the course's staff. Resolves to the caller's role.
   * `studentId` may be a group's work owner id (`<assignment>--<group>`): then
   * its members, or the course's staff.
   */
  async studentWork(caller: Caller, courseId: string, studentId: string): Promise<Role> {
    const role = await this.member(caller, courseId);
    const owner = parseGroupOwner(studentId);
    if (owner) {
      const g = await this.store.groups.get(courseId, owner.assignmentId, owner.groupId);
      // A student learns nothing of other groups, not even whether one exists.
      if (role === 'student' && !g?.members.includes(caller.person.id)) throw errors.forbidden("you may see only your own work and your group's");
      if (!g) throw errors.notFound(`no group ${owner.groupId} of ${owner.assignmentId} in course ${courseId}`);
      return role;
    }
    if (role === 'student' && studentId !== caller.person.id) throw errors.forbidden("you may see only your own work");
    if (role !== 'student' && (await this.store.courses.roleIn(courseId, studentId)) !== 'student') {
      throw errors.notFound(`${studentId} is not a student of course ${courseId}`);
    }
    return role;
  }
}
