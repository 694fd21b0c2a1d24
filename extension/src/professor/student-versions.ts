// The professors' view of a student's recorded versions of an assignment
// ("how did you get here"): the newest versions, each with the files it
// changed from the version before it. A version never changes, so what was
// read of it is kept (by the version reader); the list itself is asked for
// again each time the Versions row is expanded, since new versions keep coming.

import type { VersionSummary } from '@classpod/protocol';
import { changedFiles, type ChangedFile } from '../versions/version-changes';
import type { VersionReader } from '../versions/version-reader';

/** One version as the tree shows it. */
export interface VersionEntry {
  version: VersionSummary;
  /** The version just before it (undefined: the first one, or beyond what was listed). */
  previous?: VersionSummary;
  /** Files that differ from `previous` (every file when there is none). */
  changes: ChangedFile[];
}

/** Versions listed under a student's Versions row. */
export const VERSIONS_SHOWN = 50;

export class StudentVersions {
  private readonly entries = new Map<string, VersionEntry>();

  constructor(private readonly reader: VersionReader) {}

  /** The student's newest versions of the assignment, newest first, with their changes. */
  async load(courseId: string, assignmentId: string, studentId: string): Promise<VersionEntry[]> {
    // One more than shown, so the oldest shown has a version to compare with.
    const listed = await this.reader.list({ courseId, assignmentId, studentId }, VERSIONS_SHOWN + 1);
    const withFiles = await this.reader.withFiles(listed);
    const out: VersionEntry[] = [];
    for (let i = 0; i < Math.min(listed.length, VERSIONS_SHOWN); i++) {
      const older = withFiles[i + 1];
      const entry: VersionEntry = { version: listed[i]!, ...(older ? { previous: older.version } : {}), changes: changedFiles(older?.files, withFiles[i]!.files) };
      this.entries.set(entry.version.id, entry);
      out.push(entry);
    }
    return out;
  }

  /** A version loaded before. */
  entry(versionId: string): VersionEntry | undefined {
    return this.entries.get(versionId);
  }

  clear(): void {
    this.entries.clear();
  }
}
