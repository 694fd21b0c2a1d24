// Enrolment by invite: a professor makes a code (and a link carrying it) that
// enrols whoever joins with it as a student of the course, until it expires,
// is revoked or reaches its use limit. The code is shown once; the hub keeps
// only its hash.

import { Type, type Static } from '@sinclair/typebox';
import { defineRequest } from '../method';
import { CourseId, CourseRole, Instant, Slug } from './courses';

/** An invite as its course's professors see it (never the code). */
export const InviteSummary = Type.Object({
  id: Type.String(),
  courseId: CourseId,
  /** Who joins with it becomes this (invites make students only). */
  role: CourseRole,
  section: Type.Optional(Slug),
  expiresAt: Instant,
  /** Most joins; absent: no limit but the expiry. */
  maxUses: Type.Optional(Type.Integer({ minimum: 1 })),
  uses: Type.Integer({ minimum: 0 }),
  createdBy: Type.String(),
  createdAt: Instant,
  revokedAt: Type.Optional(Instant),
  /** `active`, or why it no longer enrols anyone. */
  state: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked'), Type.Literal('used-up')]),
});
export type InviteSummary = Static<typeof InviteSummary>;

/** An invite code as people type it: groups of letters and digits. */
export const InviteCode = Type.String({ minLength: 4, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' });

/** `invites/create`: professors only. */
export namespace CreateInviteRequest {
  export const method = 'invites/create';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Make an invite that enrols whoever joins with it as a student (optionally of a section), until expiresAt (at most a year ahead) and at most maxUses times. The code is in this answer only.',
    params: Type.Object({
      courseId: CourseId,
      expiresAt: Instant,
      maxUses: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
      section: Type.Optional(Slug),
    }),
    result: Type.Object({
      invite: InviteSummary,
      code: InviteCode,
      /** A page of the hub that tells the person how to join with the code. */
      link: Type.String(),
    }),
  });
}

/** `invites/list`: professors only. */
export namespace ListInvitesRequest {
  export const method = 'invites/list';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: "The course's invites, newest first, with their uses and state (never their codes).",
    params: Type.Object({ courseId: CourseId }),
    result: Type.Object({ invites: Type.Array(InviteSummary) }),
  });
}

/** `invites/revoke`: professors only. */
export namespace RevokeInviteRequest {
  export const method = 'invites/revoke';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Revoke an invite: nobody joins with it any more (who joined stays enrolled).',
    params: Type.Object({ courseId: CourseId, inviteId: Type.String({ maxLength: 100 }) }),
    result: Type.Object({ invite: InviteSummary }),
  });
}

/** `invites/join`: any signed-in person. */
export namespace JoinCourseRequest {
  export const method = 'invites/join';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      'Join a course with an invite code as the signed-in person. Someone already in the course keeps their role (and uses nothing of the invite); an expired, revoked or used-up invite, and a student withdrawn from the course, are refused.',
    params: Type.Object({ code: InviteCode }),
    result: Type.Object({ courseId: CourseId, title: Type.String(), role: CourseRole, joined: Type.Boolean() }),
  });
}
