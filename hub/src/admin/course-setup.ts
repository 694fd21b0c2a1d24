// Administration shared by the `classpod-hub` command and the demo: create a
// course from a course folder (`course.yaml` + `assignments/<slug>/`), add an
// assignment from a folder, import students from CSV, add people.

import { AssignmentId, CourseId, MAX_LATE_DAYS, Type, validator } from '@classpod/protocol';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadAssignmentFolder, type LoadedAssignment } from '../assignments/assignment-folder';
import { storeLoadedAssignment } from '../assignments/assignment-import';
import { reviewLateness } from '../deadlines/lateness-review';
import type { SpecResolver } from '../assignments/spec-resolver';
import type { BlobStore } from '../blobs/blob-store';
import type { Role } from '../store/records';
import type { Store } from '../store/store';
import { checkId } from '../ids/slug-ids';
import { parseRosterCsv, RosterCsvError } from '../rosters/roster-csv';

const CourseYaml = Type.Object(
  {
    id: CourseId,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    /** Order of assignments; default: every folder under assignments/, sorted. */
    assignments: Type.Optional(Type.Array(AssignmentId)),
    /** The course's workspaces: `idleMinutes`, how long one may be idle before it is stopped (default the hub's, 10 minutes). */
    workspaces: Type.Optional(Type.Object({ idleMinutes: Type.Number({ minimum: 1, maximum: 24 * 60 }) }, { additionalProperties: false })),
    /** Late-day tokens every student has (hub/src/deadlines/late-days.ts); absent: none. */
    lateDays: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_LATE_DAYS })),
    /** The course's grading policy; it can only narrow the deployment's (`--official-sandboxes`). */
    grading: Type.Optional(
      Type.Object(
        {
          officialSandboxes: Type.Array(Type.Union([Type.Literal('isolate'), Type.Literal('local'), Type.Literal('none')]), { minItems: 1, maxItems: 3 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const checkCourseYaml = validator(CourseYaml);

/** A mistake in what an administrator gave (a CSV, a course that does not exist). */
export class CourseSetupError extends Error {}

/** What setting up a course did. */
export interface CourseSetup {
  courseId: string;
  title: string;
  assignments: LoadedAssignment[];
}

/** Create (or update) a course and its assignments from a course folder. */
export async function setUpCourseFolder(store: Store, blobs: BlobStore, resolveSpec: SpecResolver, dir: string, base: Date): Promise<CourseSetup> {
  const meta = checkCourseYaml.assert(parseYaml(await readFile(join(dir, 'course.yaml'), 'utf8')) ?? {}, `${dir}/course.yaml`);
  await store.courses.upsert({ id: meta.id, title: meta.title });
  await store.courses.setOfficialSandboxes(meta.id, meta.grading?.officialSandboxes ?? null);
  await store.courses.setIdleStopSeconds(meta.id, meta.workspaces ? Math.round(meta.workspaces.idleMinutes * 60) : null);
  await store.lateDays.setCourseDays(meta.id, meta.lateDays ?? null);
  const assignmentsDir = join(dir, 'assignments');
  const slugs =
    meta.assignments ??
    (existsSync(assignmentsDir) ? (await readdir(assignmentsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort() : []);
  const assignments: LoadedAssignment[] = [];
  for (const slug of slugs) {
    assignments.push(await storeAssignmentFolder(store, blobs, resolveSpec, meta.id, join(assignmentsDir, slug), slug, base));
  }
  await judgeLatenessAgain(store, meta.id);
  return { courseId: meta.id, title: meta.title, assignments };
}

/** Work already handed in is late (or not) by the course's grant and assignments as they are now. */
async function judgeLatenessAgain(store: Store, courseId: string): Promise<void> {
  await store.transaction((tx) => reviewLateness(tx, courseId));
}

/** Validate and store one assignment folder; submissions already made are judged by its dates. */
export async function addAssignmentFolder(...args: Parameters<typeof storeAssignmentFolder>): Promise<LoadedAssignment> {
  const loaded = await storeAssignmentFolder(...args);
  await judgeLatenessAgain(args[0], args[3]);
  return loaded;
}

async function storeAssignmentFolder(
  store: Store,
  blobs: BlobStore,
  resolveSpec: SpecResolver,
  courseId: string,
  dir: string,
  slug: string,
  base: Date,
): Promise<LoadedAssignment> {
  checkId('assignment', slug);
  if (!(await store.courses.get(checkId('course', courseId)))) throw new CourseSetupError(`no course ${courseId}`);
  const loaded = await loadAssignmentFolder(dir, slug, resolveSpec, base);
  await storeLoadedAssignment(store, blobs, courseId, loaded);
  return loaded;
}

/** One row of a student CSV. */
export interface StudentRow {
  id: string;
  name: string;
  email?: string;
}

/**
 * Read a student CSV (a header naming `id`, `name` and optionally `email`)
 * with the roster CSV's one reader (rosters/roster-csv.ts), whose messages
 * name the line; what `students import` takes, `roster import` takes too.
 */
export function parseStudentCsv(text: string): StudentRow[] {
  try {
    return parseRosterCsv(text).map(({ id, name, email }) => ({ id, name, ...(email ? { email } : {}) }));
  } catch (err) {
    if (err instanceof RosterCsvError) throw new CourseSetupError(err.message);
    throw err;
  }
}

/** Add a person (or update their name) and enrol them. */
export async function enrolPerson(store: Store, courseId: string, p: StudentRow, role: Role, admin = false): Promise<void> {
  checkId('course', courseId);
  checkId('person', p.id);
  const existing = await store.people.get(p.id);
  await store.people.upsert({ id: p.id, name: p.name, email: p.email ?? existing?.email, admin: admin || (existing?.admin ?? false) });
  await store.courses.enrol({ courseId, personId: p.id, role });
}
