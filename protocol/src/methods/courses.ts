// Who is calling and which courses they belong to: the first things the
// extension asks the hub after the handshake. Also the shared id schemas every
// hub area file uses (course, person, assignment ids are DNS-label-like slugs so
// they can name Kubernetes objects and folders as they are).

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';

/** A slug: lowercase letters and digits, single hyphens inside, 1–63 characters. */
export const Slug = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 1, maxLength: 63 });
/** Course id, e.g. `cs101`. */
export const CourseId = Slug;
/** Person id, e.g. `alice`. */
export const PersonId = Slug;
/**
 * Whose work a record is: a person id, or on a group assignment the group's
 * work owner id `<assignment>--<group>` (a person id never holds `--`).
 */
export const WorkOwnerId = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*(--[a-z0-9]+(-[a-z0-9]+)*)?$', minLength: 1, maxLength: 127 });
/** Assignment id, unique within its course, e.g. `hello-c`. */
export const AssignmentId = Slug;
/** An ISO 8601 instant in UTC, e.g. `2026-11-24T18:00:00.000Z`. */
export const Instant = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$',
  maxLength: 40,
});

/** What a person is in one course. */
export const CourseRole = Type.Union([Type.Literal('professor'), Type.Literal('assistant'), Type.Literal('student')]);
export type CourseRole = Static<typeof CourseRole>;

/** One course as its member sees it. */
export const CourseSummary = Type.Object({
  id: CourseId,
  title: Type.String(),
  /** The caller's role in it. */
  role: CourseRole,
  /** Number of assignments. */
  assignments: Type.Integer({ minimum: 0 }),
  /** Number of enrolled students (staff only; students see 0). */
  students: Type.Integer({ minimum: 0 }),
  /** The caller's own section in it, if they have one (staff see its students first); the first of `sections`. */
  section: Type.Optional(Slug),
  /** Every section the caller belongs to or teaches (a teaching assistant may teach several; a student has one). */
  sections: Type.Optional(Type.Array(Slug, { maxItems: 50 })),
});
export type CourseSummary = Static<typeof CourseSummary>;

/** `people/whoami`: the person behind the connection's token. */
export namespace WhoAmIRequest {
  export const method = 'people/whoami';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'The caller: person id, name, roles per course, and the hub clock (deadlines follow it).',
    params: Type.Object({}),
    result: Type.Object({
      personId: PersonId,
      name: Type.String(),
      email: Type.Optional(Type.String()),
      /** Installation administrator (may create courses and tokens). */
      admin: Type.Boolean(),
      courses: Type.Array(Type.Object({ courseId: CourseId, role: CourseRole })),
      /** The hub's clock now; the extension shows countdowns against it. */
      serverTime: Instant,
      /** Scopes of the token in use (`hub`, `grader`, `admin`). */
      scopes: Type.Array(Type.String()),
    }),
  });
}

/** `courses/list`: the courses the caller belongs to. */
export namespace ListCoursesRequest {
  export const method = 'courses/list';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Courses the caller is enrolled in or teaches.',
    params: Type.Object({}),
    result: Type.Object({ courses: Type.Array(CourseSummary) }),
  });
}

/** One member of a course, for professors' views. */
export const CourseMember = Type.Object({
  personId: PersonId,
  name: Type.String(),
  email: Type.Optional(Type.String()),
  role: CourseRole,
  /** Their section (from the roster or the invite they joined with); the first of `sections`. */
  section: Type.Optional(Slug),
  /** Every section they belong to (a student) or teach (staff may teach several). */
  sections: Type.Optional(Type.Array(Slug, { maxItems: 50 })),
  /** A student withdrawn from the course: their work is kept, they can no longer work in it. */
  withdrawn: Type.Optional(Type.Boolean()),
});
export type CourseMember = Static<typeof CourseMember>;

/** `courses/people`: staff only — everyone enrolled in the course. */
export namespace ListCoursePeopleRequest {
  export const method = 'courses/people';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Everyone in a course with their role (professors and assistants only).',
    params: Type.Object({ courseId: CourseId }),
    result: Type.Object({ people: Type.Array(CourseMember) }),
  });
}
