// What a similarity check compares: the final submission of every student
// (the one that counts for the grade: their latest) of the course checked
// and of each earlier offering named, and of each the source files a
// student wrote. Left out, each with its reason: files the hub owns
// (`.classpod/`), starter files handed in unchanged, binary files, files
// over the size limit, and everything past the check's total limits.

import type { SimilaritySkippedFile } from '@classpod/protocol';
import type { BlobStore } from '../blobs/blob-store';
import { workOwnerName } from '../groups/work-owner';
import type { Store } from '../store/store';
import type { ComparedFile, ComparisonInput } from './comparison';
import type { SimilarityLimits } from './similarity-limits';

/** A submission compared, as the stored pairs name it. */
export interface ComparedSubmission {
  submissionId: string;
  studentId: string;
  studentName?: string;
  courseId: string;
  earlier: boolean;
}

/** A file compared, with the blob that holds it. */
export interface ComparedFileRef {
  owner: number;
  path: string;
  sha256: string;
}

export interface CollectedFiles {
  input: ComparisonInput;
  submissions: ComparedSubmission[];
  files: ComparedFileRef[];
  skipped: SimilaritySkippedFile[];
  /** Why the check cannot go on (over a total limit), when so. */
  problem?: string;
}

/** The final (latest) submission of each student of a course to an assignment. */
async function finalSubmissions(store: Store, courseId: string, assignmentId: string) {
  const latest = new Map<string, Awaited<ReturnType<Store['submissions']['list']>>[number]>();
  for (const s of await store.submissions.list({ courseId, assignmentId })) if (!latest.has(s.studentId)) latest.set(s.studentId, s);
  return [...latest.values()].sort((a, b) => a.studentId.localeCompare(b.studentId));
}

/** A file's bytes as text, or why they are not text. */
export function textOf(content: Buffer): string | undefined {
  if (content.includes(0)) return undefined;
  const text = content.toString('utf8');
  return text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(content) ? undefined : text;
}

export async function collectFinalSubmissions(
  store: Store,
  blobs: BlobStore,
  run: { courseId: string; assignmentId: string; earlierCourseIds: string[] },
  limits: SimilarityLimits,
  progress: (done: number, total: number) => Promise<void>,
): Promise<CollectedFiles> {
  const assignment = await store.assignments.get(run.courseId, run.assignmentId);
  const starterByPath = new Map((assignment?.starterManifest ?? []).map((e) => [e.path, e.sha256]));
  const starter: ComparisonInput['starter'] = [];
  for (const e of assignment?.starterManifest ?? []) {
    const text = e.size <= limits.maxFileBytes ? textOf(await blobs.get(e.sha256)) : undefined;
    if (text !== undefined) starter.push({ path: e.path, content: text });
  }
  const sources = [{ courseId: run.courseId, earlier: false }, ...run.earlierCourseIds.map((courseId) => ({ courseId, earlier: true }))];
  const finals: Array<{ s: Awaited<ReturnType<typeof finalSubmissions>>[number]; earlier: boolean }> = [];
  for (const src of sources) for (const s of await finalSubmissions(store, src.courseId, run.assignmentId)) finals.push({ s, earlier: src.earlier });

  const out: CollectedFiles = { input: { owners: [], files: [], starter, maxPairs: limits.maxPairs }, submissions: [], files: [], skipped: [] };
  let totalBytes = 0;
  const names = new Map<string, string | undefined>();
  for (const [n, { s, earlier }] of finals.entries()) {
    await progress(n, finals.length);
    if (!names.has(s.studentId)) names.set(s.studentId, await workOwnerName(store, s.courseId, s.studentId));
    const owner = out.submissions.length;
    const name = names.get(s.studentId);
    out.submissions.push({ submissionId: s.id, studentId: s.studentId, ...(name ? { studentName: name } : {}), courseId: s.courseId, earlier });
    out.input.owners.push({ earlier });
    const skip = (path: string, reason: string) => out.skipped.push({ submissionId: s.id, studentId: s.studentId, path, reason });
    for (const e of await blobs.manifest(s.snapshotHash)) {
      if (e.path.startsWith('.classpod/')) continue;
      if (starterByPath.get(e.path) === e.sha256) {
        skip(e.path, 'starter file, unchanged');
        continue;
      }
      if (e.size > limits.maxFileBytes) {
        skip(e.path, `larger than ${limits.maxFileBytes} bytes`);
        continue;
      }
      const text = textOf(await blobs.get(e.sha256));
      if (text === undefined) {
        skip(e.path, 'not text');
        continue;
      }
      if (out.input.files.length >= limits.maxFiles) {
        out.problem = `more than ${limits.maxFiles} files to compare (the hub's similarity.maxFiles)`;
        return out;
      }
      totalBytes += e.size;
      if (totalBytes > limits.maxTotalBytes) {
        out.problem = `more than ${limits.maxTotalBytes} bytes to compare (the hub's similarity.maxTotalBytes)`;
        return out;
      }
      const file: ComparedFile = { owner, path: e.path, content: text };
      out.input.files.push(file);
      out.files.push({ owner, path: e.path, sha256: e.sha256 });
    }
  }
  await progress(finals.length, finals.length);
  return out;
}
