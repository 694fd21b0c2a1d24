// `assignments/list`, `assignments/get`, `assignments/fetchStarter`,
// `assignments/upsert`, `deadlines/extend`.

import {
  ASSIGNMENT_FILE_PATH,
  errors,
  ExtendDeadlineRequest,
  FetchStarterRequest,
  GetAssignmentRequest,
  ListAssignmentsRequest,
  UpsertAssignmentRequest,
  type RpcEndpoint,
} from '@classpod/protocol';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssignmentFolderError, loadAssignmentFolder } from '../assignments/assignment-folder';
import { FolderError, safeRelativePath, writeFolderFiles } from '../assignments/folder-files';
import { storeLoadedAssignment } from '../assignments/assignment-import';
import { reviewAndAnnounceLateness } from '../deadlines/lateness-review';
import { publishScoreChanged } from '../events/score-events';
import { assignmentFiles } from '../workspaces/workspace-layout';
import type { Assignment } from '../store/records';
import { audit, type ApiContext } from './api-context';
import type { Caller } from './authorization';
import { countingSubmission } from '../grading/grade-book';
import { attemptsOf } from './attempt-methods';
import { groupOwnerId, ownerOf } from '../groups/work-owner';
import { groupConnectPath, groupMembers } from './group-methods';
import { assignmentView } from './views';
import { lateDayAccounts } from '../deadlines/late-day-accounts';
import type { LateDayAccount } from '../deadlines/late-days';

/** Largest assignment folder accepted over the API (bytes, decoded). */
const MAX_UPSERT_BYTES = 20 * 1024 * 1024;

export function attachAssignmentMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  /** The assignment, refused to students before it opens. */
  const visible = async (courseId: string, assignmentId: string, role: string): Promise<Assignment> => {
    const a = await ctx.store.assignments.get(courseId, assignmentId);
    if (!a || (role === 'student' && a.opensAt && a.opensAt > ctx.clock.now().toISOString())) {
      throw errors.notFound(`no assignment ${assignmentId} in course ${courseId}`);
    }
    return a;
  };

  /** `accounts`: the course's late-day accounts (lateDayAccounts), read once for a list. */
  const summaryFor = async (a: Assignment, studentId: string | undefined, accounts?: Map<string, LateDayAccount>) => {
    if (!studentId) return assignmentView(a, undefined, undefined, false);
    // A member of a group sees the group's work: its submissions (one grade), its deadline and its workspace.
    const group = a.groupMaxSize === undefined ? undefined : await ctx.store.groups.groupOf(a.courseId, a.id, studentId);
    const owner = group ? groupOwnerId(a.id, group.id) : studentId;
    const ext = await ctx.store.extensions.get(a.courseId, a.id, owner);
    const counting = countingSubmission(await ctx.store.submissions.list({ courseId: a.courseId, assignmentId: a.id, studentId: owner }));
    const started = counting ? true : await ctx.intake.changedFromStarter(a, owner);
    const all = accounts ?? (await lateDayAccounts(ctx.store, a.courseId, { students: [studentId] }));
    // On a group assignment the student sees their own days left and what the group may use and used.
    const view = assignmentView(a, ext, counting, started, all.get(studentId), await attemptsOf(ctx, a, owner), group ? all.get(owner) : undefined);
    return group
      ? { ...view, group: { groupId: group.id, members: await groupMembers(ctx.store, group), connectPath: groupConnectPath(group) } }
      : view;
  };

  /** Whose view: the caller when a student, else the named student (or nobody). */
  const subjectOf = async (courseId: string, studentId: string | undefined): Promise<{ role: string; studentId?: string }> => {
    if (studentId) return { role: await ctx.authz.studentWork(caller, courseId, studentId), studentId };
    const role = await ctx.authz.member(caller, courseId);
    return role === 'student' ? { role, studentId: caller.person.id } : { role };
  };

  endpoint.handle(ListAssignmentsRequest.type, async (p) => {
    const subject = await subjectOf(p.courseId, p.studentId);
    const now = ctx.clock.now().toISOString();
    const list = (await ctx.store.assignments.list(p.courseId)).filter((a) => subject.role !== 'student' || !a.opensAt || a.opensAt <= now);
    const accounts = subject.studentId ? await lateDayAccounts(ctx.store, p.courseId, { students: [subject.studentId] }) : undefined;
    const assignments = [];
    for (const a of list) assignments.push(await summaryFor(a, subject.studentId, accounts));
    return { assignments, serverTime: now };
  });

  endpoint.handle(GetAssignmentRequest.type, async (p) => {
    const subject = await subjectOf(p.courseId, p.studentId);
    const a = await visible(p.courseId, p.assignmentId, subject.role);
    return {
      assignment: await summaryFor(a, subject.studentId),
      description: a.description,
      publicSpec: JSON.parse(a.publicSpecJson) as unknown,
      starterFiles: a.starterManifest,
      publicTestFiles: a.publicFilesManifest,
    };
  });

  endpoint.handle(FetchStarterRequest.type, async (p) => {
    const role = await ctx.authz.member(caller, p.courseId);
    const a = await visible(p.courseId, p.assignmentId, role);
    const ext = role === 'student' ? await ctx.store.extensions.get(a.courseId, a.id, await ownerOf(ctx.store, a, caller.person.id)) : undefined;
    const files = await assignmentFiles(ctx.blobs, a, ext, true);
    const prefix = `${a.id}/`;
    return {
      files: files.map((f) => ({ path: f.path.slice(prefix.length), contentBase64: f.content.toString('base64'), mode: f.mode })),
    };
  });

  endpoint.handle(UpsertAssignmentRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    let bytes = 0;
    const files = p.files.map((f) => {
      let path;
      try {
        path = safeRelativePath(f.path);
      } catch (err) {
        throw errors.invalidParams((err as FolderError).message);
      }
      const content = Buffer.from(f.contentBase64, 'base64');
      bytes += content.byteLength;
      return { path, content, mode: f.mode ?? 0o644 };
    });
    if (bytes > MAX_UPSERT_BYTES) throw errors.tooLarge(`the assignment folder holds ${bytes} bytes; the limit is ${MAX_UPSERT_BYTES}`);
    const dir = await mkdtemp(join(tmpdir(), 'classpod-upsert-'));
    try {
      await writeFolderFiles(dir, files);
      let loaded;
      try {
        loaded = await loadAssignmentFolder(dir, p.assignmentId, ctx.resolveSpec, ctx.clock.now());
      } catch (err) {
        if (err instanceof AssignmentFolderError) throw errors.invalidParams(err.message);
        throw err;
      }
      const existing = await ctx.store.assignments.get(p.courseId, p.assignmentId);
      const studentFiles = [
        ...loaded.starterFiles.map((f) => f.path),
        ASSIGNMENT_FILE_PATH,
        ...loaded.publicFiles.map((f) => `.classpod/${f.path}`),
      ];
      let stored: Assignment;
      if (p.dryRun) {
        const now = ctx.clock.now().toISOString();
        stored = {
          courseId: p.courseId,
          id: loaded.id,
          title: loaded.title,
          description: loaded.description,
          opensAt: loaded.opensAt,
          dueAt: loaded.dueAt,
          penaltyPercentPerDay: loaded.penaltyPercentPerDay,
          cutoffAt: loaded.cutoffAt,
          specJson: '',
          publicSpecJson: '',
          starterManifest: [],
          publicFilesManifest: [],
          maxScore: loaded.maxScore,
          revealHiddenAfterDeadline: loaded.revealHiddenAfterDeadline,
          maxAttempts: loaded.maxAttempts,
          minIntervalSeconds: loaded.minIntervalSeconds,
          createdAt: now,
          updatedAt: now,
        };
      } else {
        const saved = await storeLoadedAssignment(ctx.store, ctx.blobs, p.courseId, loaded);
        stored = saved.assignment;
        await audit(ctx, caller, existing ? 'assignment.update' : 'assignment.create', p.courseId, p.assignmentId);
        // A rubric changed by the new assignment.yaml rescored the submissions it is applied to: say so, as rubrics/set does.
        for (const id of saved.rescored) {
          const s = await ctx.store.submissions.get(id);
          if (s) await publishScoreChanged(ctx.events, ctx.store, s, 'rubric');
        }
        // New dates or a new penalty apply to the work already handed in.
        if (existing) await reviewAndAnnounceLateness(ctx.store, ctx.events, p.courseId);
        await ctx.workspaces.refreshCourse(p.courseId);
      }
      return {
        assignment: assignmentView(stored, undefined, undefined, false),
        created: !existing,
        studentFiles,
        hiddenTests: loaded.hiddenTests,
        warnings: loaded.warnings,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  endpoint.handle(ExtendDeadlineRequest.type, async (p) => {
    await ctx.authz.professor(caller, p.courseId);
    const a = await ctx.store.assignments.get(p.courseId, p.assignmentId);
    if (!a) throw errors.notFound(`no assignment ${p.assignmentId} in course ${p.courseId}`);
    if ((await ctx.store.courses.roleIn(p.courseId, p.studentId)) !== 'student') throw errors.notFound(`${p.studentId} is not a student of course ${p.courseId}`);
    // On a group assignment the deadline is the group's: extending a member extends their group (one submission, one deadline).
    const owner = await ownerOf(ctx.store, a, p.studentId);
    if (await ctx.store.deadlines.collection(p.courseId, p.assignmentId, owner).then((c) => c?.submissionId)) {
      throw errors.conflict(`${owner === p.studentId ? `${p.studentId}'s` : `the group's (${owner})`} work on ${p.assignmentId} was already collected at the deadline`);
    }
    const dueAt = new Date(p.dueAt).toISOString();
    await ctx.store.extensions.set({ courseId: p.courseId, assignmentId: p.assignmentId, studentId: owner, dueAt, grantedBy: caller.person.id, comment: p.comment });
    await audit(ctx, caller, 'deadline.extend', p.courseId, `${p.assignmentId}/${owner}`, { dueAt, comment: p.comment, ...(owner !== p.studentId ? { member: p.studentId } : {}) });
    // Work handed in late before the extension is judged against the new due time.
    await reviewAndAnnounceLateness(ctx.store, ctx.events, p.courseId, { studentId: owner });
    await ctx.workspaces.refreshStudent({ courseId: p.courseId, studentId: owner });
    return { assignment: await summaryFor(a, p.studentId) };
  });
}
