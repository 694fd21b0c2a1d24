// The files the hub writes under `.classpod/` in a student's workspace
// (docs/contracts.md): the course file at the root and one assignment file per
// assignment folder. Declared here once, with where each lives; the hub writes
// them, the agent's `classpod` command and the extension read them. They lie
// in a tree the student can write, so a reader trusts no field it has not
// checked: `readCourseFile` and `readAssignmentFile` keep each field that
// matches its schema and leave the others out. Parsing only: no I/O.

import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Instant } from './methods/courses';

/** Text with at least one character (an empty field says nothing). */
const Text = Type.String({ minLength: 1 });

/** Where the course file lives, relative to the workspace root. */
export const COURSE_FILE_PATH = '.classpod/course.json';
/** Where an assignment file lives, relative to its assignment folder. */
export const ASSIGNMENT_FILE_PATH = '.classpod/assignment.json';

/** `.classpod/course.json`: which course this workspace belongs to, and whose it is. */
export const CourseFile = Type.Object({
  /** The course's id, e.g. `cs101`. */
  courseId: Text,
  /** The course's title. */
  title: Text,
  /** The student whose workspace this is. */
  studentId: Type.Optional(Text),
  /** The hub's address, when the hub knows it. */
  hubUrl: Type.Optional(Text),
});
export type CourseFile = Static<typeof CourseFile>;

/** `<slug>/.classpod/assignment.json`: one assignment as its student sees it (their own due time). */
export const AssignmentFile = Type.Object({
  /** The assignment's id, unique within its course. */
  id: Text,
  /** The folder it lives in. */
  slug: Text,
  /** The assignment's title. */
  title: Text,
  /** The course's id. */
  courseId: Text,
  /** When it opens. */
  opensAt: Type.Optional(Instant),
  /** When it is due for this student (an extension moves it). */
  dueAt: Type.Optional(Instant),
  /** The last moment a late submission is taken. */
  cutoffAt: Type.Optional(Instant),
});
export type AssignmentFile = Static<typeof AssignmentFile>;

/** The fields of `value` that match their schemas in `schema`, or undefined when `value` is not a JSON object. */
function checkedFields<P extends TProperties>(schema: TObject<P>, value: unknown): Partial<Static<TObject<P>>> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.properties)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined && Value.Check(field, v)) out[key] = v;
  }
  return out as Partial<Static<TObject<P>>>;
}

/** The checked fields of a parsed `.classpod/course.json`; undefined when it is not an object. */
export function readCourseFile(value: unknown): Partial<CourseFile> | undefined {
  return checkedFields(CourseFile, value);
}

/** The checked fields of a parsed `.classpod/assignment.json`; undefined when it is not an object. */
export function readAssignmentFile(value: unknown): Partial<AssignmentFile> | undefined {
  return checkedFields(AssignmentFile, value);
}
