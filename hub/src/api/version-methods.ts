// `versions/list|files|readFile|restore`: a student's recorded versions of an
// assignment folder. Reading follows the rules of submissions (the student
// themself, or the course's staff); a restore writes into the student's
// workspace, so only the student may ask for it. A path is looked up among
// the version's own files, never joined to anything. A whole workspace can be
// rebuilt from the versions (`versions/restoreWorkspace`, after a lost
// volume): each assignment's last version goes into a folder the workspace
// lacks, or over it when asked.

import {
  errors,
  ListVersionFilesRequest,
  ListVersionsRequest,
  ReadVersionFileRequest,
  RestoreVersionRequest,
  RestoreWorkspaceRequest,
  type RestoredAssignment,
  type RpcEndpoint,
  type VersionSummary,
} from '@classpod/protocol';
import { ownerOf } from '../groups/work-owner';
import type { FolderVersion } from '../store/records';
import { audit, type ApiContext } from './api-context';
import type { Caller } from './authorization';

/** Largest file `versions/readFile` answers inline (bytes). */
export const VERSION_READ_MAX_BYTES = 8 * 1024 * 1024;

/** A version as clients see it, with its authors' names (a group workspace's). */
async function versionView(ctx: ApiContext, v: FolderVersion): Promise<VersionSummary> {
  const authors = [];
  for (const id of v.authors ?? []) {
    const p = await ctx.store.people.get(id);
    authors.push({ personId: id, ...(p?.name ? { name: p.name } : {}) });
  }
  return {
    id: v.id,
    courseId: v.courseId,
    assignmentId: v.assignmentId,
    studentId: v.studentId,
    recordedAt: v.recordedAt,
    manifestHash: v.manifestHash,
    fileCount: v.fileCount,
    totalBytes: v.totalBytes,
    ...(authors.length > 0 ? { authors } : {}),
  };
}

export function attachVersionMethods(endpoint: RpcEndpoint, ctx: ApiContext, caller: Caller): void {
  /** A version the caller may see, with the caller's role. Unknown and forbidden ids answer alike for students. */
  const readable = async (id: string): Promise<{ v: FolderVersion; role: string }> => {
    const v = await ctx.versions.get(id);
    if (!v) throw errors.notFound(`no version ${id}`);
    const role = await ctx.authz.studentWork(caller, v.courseId, v.studentId);
    return { v, role };
  };

  endpoint.handle(ListVersionsRequest.type, async (p) => {
    let studentId = p.studentId;
    if (studentId) await ctx.authz.studentWork(caller, p.courseId, studentId);
    else if ((await ctx.authz.member(caller, p.courseId)) === 'student') studentId = caller.person.id;
    else throw errors.invalidParams(`name the student whose versions of ${p.assignmentId} to list`);
    const a = await ctx.store.assignments.get(p.courseId, p.assignmentId);
    if (!a) throw errors.notFound(`no assignment ${p.assignmentId} in course ${p.courseId}`);
    // A member of a group lists the group's versions (a person id in, the group's history out).
    const owner = await ownerOf(ctx.store, a, studentId);
    const list = await ctx.versions.list({ courseId: p.courseId, assignmentId: p.assignmentId, studentId: owner }, { before: p.before, limit: p.limit ?? 100 });
    return { versions: await Promise.all(list.map((v) => versionView(ctx, v))) };
  });

  endpoint.handle(ListVersionFilesRequest.type, async (p) => {
    const { v } = await readable(p.versionId);
    return { version: await versionView(ctx, v), files: await ctx.blobs.manifest(v.manifestHash) };
  });

  endpoint.handle(ReadVersionFileRequest.type, async (p) => {
    const { v } = await readable(p.versionId);
    const entry = (await ctx.blobs.manifest(v.manifestHash)).find((e) => e.path === p.path);
    if (!entry) throw errors.notFound(`version ${v.id} has no file ${JSON.stringify(p.path)}`, { path: p.path });
    if (entry.size > VERSION_READ_MAX_BYTES) throw errors.tooLarge(`\`${entry.path}\` holds ${entry.size} bytes, over the ${VERSION_READ_MAX_BYTES} a read answers`, { path: entry.path });
    const content = await ctx.blobs.get(entry.sha256);
    return { path: entry.path, contentBase64: content.toString('base64'), size: entry.size, sha256: entry.sha256 };
  });

  endpoint.handle(RestoreVersionRequest.type, async (p) => {
    const { v, role } = await readable(p.versionId);
    if (role !== 'student') throw errors.forbidden('only the student restores a version of their own work');
    const manifest = await ctx.blobs.manifest(v.manifestHash);
    let chosen = manifest;
    if (p.paths) {
      const byPath = new Map(manifest.map((e) => [e.path, e]));
      const unknown = p.paths.filter((path) => !byPath.has(path));
      if (unknown.length > 0) throw errors.notFound(`version ${v.id} has no file ${JSON.stringify(unknown[0])}`, { path: unknown[0] });
      chosen = [...new Set(p.paths)].map((path) => byPath.get(path)!);
    }
    const files = await ctx.blobs.readFolder(chosen);
    // Through the agent, whose jail checks every path: the version's paths are the hub's, relative to the assignment folder.
    await ctx.intake.files.use({ courseId: v.courseId, studentId: v.studentId }, (workspace) =>
      workspace.write(files.map((f) => ({ path: `${v.assignmentId}/${f.path}`, content: f.content, mode: f.mode }))),
    );
    await audit(ctx, caller, 'version.restore', v.courseId, v.id, { assignmentId: v.assignmentId, files: chosen.length });
    return { restored: chosen.map((e) => e.path) };
  });

  endpoint.handle(RestoreWorkspaceRequest.type, async (p) => {
    const studentId = p.studentId ?? caller.person.id;
    const role = await ctx.authz.studentWork(caller, p.courseId, studentId);
    if (role === 'assistant') throw errors.forbidden(`only the student or a professor of course ${p.courseId} restores a workspace`);
    const at = p.before ?? ctx.clock.now().toISOString();
    // Everything is read from the hub first: nothing is written unless every version's files are at hand.
    const plan: Array<{ assignmentId: string; version?: FolderVersion; files: Array<{ path: string; content: Buffer; mode: number }> }> = [];
    for (const a of await ctx.store.assignments.list(p.courseId)) {
      const version = await ctx.versions.atOrBefore({ courseId: p.courseId, assignmentId: a.id, studentId }, at);
      plan.push({ assignmentId: a.id, ...(version ? { version } : {}), files: version ? await ctx.blobs.readFolder(await ctx.blobs.manifest(version.manifestHash)) : [] });
    }
    // Nothing recorded at all: no workspace is started for nothing.
    if (plan.every((item) => !item.version)) return { assignments: plan.map((item) => ({ assignmentId: item.assignmentId, files: 0, skipped: 'no-version' as const })) };
    const assignments: RestoredAssignment[] = await ctx.intake.files.use({ courseId: p.courseId, studentId }, async (workspace) => {
      const out: RestoredAssignment[] = [];
      for (const item of plan) {
        const v = item.version;
        if (!v) {
          out.push({ assignmentId: item.assignmentId, files: 0, skipped: 'no-version' });
          continue;
        }
        const found = { assignmentId: item.assignmentId, versionId: v.id, recordedAt: v.recordedAt };
        if (!p.replace && (await workspace.typeOf(item.assignmentId)) !== undefined) {
          out.push({ ...found, files: 0, skipped: 'folder-exists' });
          continue;
        }
        // Through the agent, whose jail checks every path.
        await workspace.write(item.files.map((f) => ({ path: `${item.assignmentId}/${f.path}`, content: f.content, mode: f.mode })));
        out.push({ ...found, files: item.files.length });
      }
      return out;
    });
    await audit(ctx, caller, 'workspace.restore', p.courseId, studentId, {
      before: at,
      restored: assignments.filter((a) => !a.skipped).map((a) => a.assignmentId),
    });
    return { assignments };
  });
}
