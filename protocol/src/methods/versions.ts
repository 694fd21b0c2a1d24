// Versions: every state of a student's assignment folder that the hub saw
// after a sync, kept at the hub (content-addressed, by the hub's clock). The
// professor's tree browses them; the student reads and restores them; the
// deadline collects the last one at or before the due time.

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';
import { AssignmentId, CourseId, Instant, PersonId, WorkOwnerId } from './courses';
import { SnapshotFile } from './assignments';

/** Opaque version id. */
export const VersionId = Type.String({ pattern: '^[a-z0-9_-]{1,64}$' });

/** One recorded version of an assignment folder. */
export const VersionSummary = Type.Object({
  id: VersionId,
  courseId: CourseId,
  assignmentId: AssignmentId,
  studentId: WorkOwnerId,
  /** Hub time the version was recorded. */
  recordedAt: Instant,
  /** sha256 (hex) of the version's manifest: names the content exactly. */
  manifestHash: Type.String({ maxLength: 64 }),
  fileCount: Type.Integer({ minimum: 0 }),
  totalBytes: Type.Integer({ minimum: 0 }),
  /** Whose edits made this version (a group workspace's members, who sent the change over sync), when the hub knows. */
  authors: Type.Optional(Type.Array(Type.Object({ personId: PersonId, name: Type.Optional(Type.String()) }))),
});
export type VersionSummary = Static<typeof VersionSummary>;

/** `versions/list`: a student's versions of one assignment, newest first. */
export namespace ListVersionsRequest {
  export const method = 'versions/list';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "A student's recorded versions of an assignment folder, newest first (students: their own; staff: any student of their course). `before` pages back from an instant.",
    params: Type.Object({
      courseId: CourseId,
      assignmentId: AssignmentId,
      /** Absent: the caller themself. */
      studentId: Type.Optional(PersonId),
      /** Only versions recorded strictly before this instant. */
      before: Type.Optional(Instant),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    }),
    result: Type.Object({ versions: Type.Array(VersionSummary) }),
  });
}

/** `versions/files`: the files of one version. */
export namespace ListVersionFilesRequest {
  export const method = 'versions/files';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'The files of a recorded version (path, size, sha256, mode).',
    params: Type.Object({ versionId: VersionId }),
    result: Type.Object({ version: VersionSummary, files: Type.Array(SnapshotFile) }),
  });
}

/** `versions/readFile`: one file of a version. */
export namespace ReadVersionFileRequest {
  export const method = 'versions/readFile';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'One file of a recorded version, content base64. The path must be one the version lists.',
    params: Type.Object({ versionId: VersionId, path: Type.String({ minLength: 1, maxLength: 1024 }) }),
    result: Type.Object({ path: Type.String(), contentBase64: Type.String(), size: Type.Integer(), sha256: Type.String() }),
  });
}

/** `versions/restore`: bring a version back into the workspace. */
export namespace RestoreVersionRequest {
  export const method = 'versions/restore';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Write a version's files back into the student's assignment folder, through the workspace's agent (started if needed); files the version lacks are kept. The student themself only. A sync then brings them to the local folder.",
    params: Type.Object({
      versionId: VersionId,
      /** Only these files of the version (absent: all of them). */
      paths: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { maxItems: 2000 })),
    }),
    result: Type.Object({ restored: Type.Array(Type.String()) }),
  });
}

/** What `versions/restoreWorkspace` did with one assignment. */
export const RestoredAssignment = Type.Object({
  assignmentId: AssignmentId,
  /** The version written (absent when none was). */
  versionId: Type.Optional(VersionId),
  recordedAt: Type.Optional(Instant),
  /** Files written. */
  files: Type.Integer({ minimum: 0 }),
  /** Why nothing was written: `no-version` (none recorded at or before the time), `folder-exists` (the workspace holds the folder and `replace` was not asked). */
  skipped: Type.Optional(Type.Union([Type.Literal('no-version'), Type.Literal('folder-exists')])),
});
export type RestoredAssignment = Static<typeof RestoredAssignment>;

/** `versions/restoreWorkspace`: rebuild a student's workspace from the hub's versions (after a lost volume). */
export namespace RestoreWorkspaceRequest {
  export const method = 'versions/restoreWorkspace';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      "Write each assignment's last recorded version (at or before `before`, default now) into a student's workspace, through its agent (started if needed): for a workspace whose volume was lost. An assignment folder the workspace already holds is left alone unless `replace` (then the version's files are written over it; files it lacks are kept). The student themself, or the course's professors.",
    params: Type.Object({
      courseId: CourseId,
      /** Absent: the caller themself. */
      studentId: Type.Optional(PersonId),
      /** The last versions recorded at or before this instant (say, just before the volume was lost). */
      before: Type.Optional(Instant),
      replace: Type.Optional(Type.Boolean()),
    }),
    result: Type.Object({ assignments: Type.Array(RestoredAssignment) }),
  });
}
