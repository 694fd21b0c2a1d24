// A course's roster as CSV: exported by and imported from its professors. An
// import is first a preview (what would change), then, with `apply`, the same
// changes in one transaction; importing the same CSV again changes nothing.

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';
import { CourseId, CourseRole, PersonId } from './courses';

/** Largest roster CSV the hub takes (1 MiB of text). */
export const MAX_ROSTER_CSV_CHARS = 1024 * 1024;

/** What an import does to one person of the course. */
export const RosterChangeKind = Type.Union([
  /** Not in the course (or withdrawn from it) before: enrolled now. */
  Type.Literal('added'),
  /** Enrolled with another role or section before. */
  Type.Literal('changed'),
  /** An enrolled student the CSV leaves out (or marks withdrawn): withdrawn, their work kept. */
  Type.Literal('withdrawn'),
  Type.Literal('unchanged'),
]);
export type RosterChangeKind = Static<typeof RosterChangeKind>;

/** One person's line of an import's preview. */
export const RosterChange = Type.Object({
  kind: RosterChangeKind,
  personId: PersonId,
  name: Type.String(),
  role: CourseRole,
  /** The role before, when it changed. */
  fromRole: Type.Optional(CourseRole),
  section: Type.Optional(Type.String()),
  /** The section before, when it changed ('' for none). */
  fromSection: Type.Optional(Type.String()),
  /** The CSV line this person is on (absent for a withdrawal by omission). */
  line: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type RosterChange = Static<typeof RosterChange>;

/** `rosters/import`: professors only. */
export namespace ImportRosterRequest {
  export const method = 'rosters/import';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      'Import a roster CSV (columns id, name, email, role, section, status; id and name required). Without apply: the preview only. ' +
      'With apply: the same changes, all or nothing, audit-logged. A bad row is refused with its line number and nothing changes.',
    params: Type.Object({
      courseId: CourseId,
      csv: Type.String({ maxLength: MAX_ROSTER_CSV_CHARS }),
      apply: Type.Optional(Type.Boolean()),
      /** With apply: refuse (Conflict) unless the roster is still the one this preview (its `previewId`) was made from. */
      previewId: Type.Optional(Type.String({ maxLength: 100 })),
    }),
    result: Type.Object({
      applied: Type.Boolean(),
      /** Names the roster the preview was computed against. */
      previewId: Type.String(),
      counts: Type.Object({
        added: Type.Integer({ minimum: 0 }),
        changed: Type.Integer({ minimum: 0 }),
        withdrawn: Type.Integer({ minimum: 0 }),
        unchanged: Type.Integer({ minimum: 0 }),
      }),
      changes: Type.Array(RosterChange),
    }),
  });
}

/** `rosters/export`: professors only. */
export namespace ExportRosterRequest {
  export const method = 'rosters/export';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "The course's roster as CSV (id, name, email, role, section, status), in the layout rosters/import takes; withdrawn students are kept with status withdrawn.",
    params: Type.Object({ courseId: CourseId }),
    result: Type.Object({ csv: Type.String(), fileName: Type.String() }),
  });
}

/** `rosters/withdraw`: professors only — one student, their submissions and grades kept. */
export namespace WithdrawStudentRequest {
  export const method = 'rosters/withdraw';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Withdraw a student from the course: their submissions, grades and files are kept and staff still see them; their workspace is stopped and their own requests in the course are refused.",
    params: Type.Object({ courseId: CourseId, studentId: PersonId }),
    result: Type.Object({ withdrawn: Type.Boolean() }),
  });
}
