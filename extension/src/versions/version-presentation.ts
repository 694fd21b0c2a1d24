// How a recorded version reads in VS Code: in the student's "earlier
// versions" picker and in the professors' Versions rows. Times are the hub's
// (recordedAt), shown in the reader's own time zone and relative to the hub's
// clock now. Plain logic, unit-tested without VS Code.

import { formatBytes, type VersionSummary } from '@classpod/protocol';
import { formatAbsolute, formatRelative } from '../deadlines/time-format';
import type { ChangedFile, FileVersion } from './version-changes';

/** "14:32:05" (or "Tue 1 Dec, 14:32" for another day) in the given time zone. */
export function versionTime(recordedAt: string, now: Date, timeZone?: string): string {
  const at = new Date(recordedAt);
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  const day = (d: Date): string => new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  if (day(at) === day(now)) {
    return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(at);
  }
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** "by Ana" (or "by Ana, Ben") for a version of a group workspace that names whose edits made it. */
export function versionAuthors(v: Pick<VersionSummary, 'authors'>): string | undefined {
  if (!v.authors || v.authors.length === 0) return undefined;
  return `by ${v.authors.map((a) => a.name ?? a.personId).join(', ')}`;
}

/** One entry of the student's picker of a file's earlier versions. */
export interface FileVersionItem {
  label: string;
  description: string;
  detail: string;
  versionId: string;
}

/** The picker's entries for a file's history (newest first). */
export function fileVersionItems(history: readonly FileVersion[], now: Date, timeZone?: string): FileVersionItem[] {
  return history.map((h) => ({
    label: `$(history) ${versionTime(h.version.recordedAt, now, timeZone)}`,
    description: [formatRelative(new Date(h.version.recordedAt), now), versionAuthors(h.version), formatBytes(h.file.size)].filter(Boolean).join(' · '),
    detail: h.current ? 'same as your file now' : h.change === 'added' ? 'file created' : 'changed',
    versionId: h.version.id,
  }));
}

/** What one version row of the professors' tree shows, given what it changed from the version before (undefined: not loaded yet). */
export function versionRow(v: VersionSummary, changes: readonly ChangedFile[] | undefined, now: Date, timeZone?: string): { label: string; description: string; tooltip: string[] } {
  const counts = changes ? changeCounts(changes) : undefined;
  return {
    label: versionTime(v.recordedAt, now, timeZone),
    description: [formatRelative(new Date(v.recordedAt), now), versionAuthors(v), counts].filter(Boolean).join(' · '),
    tooltip: [
      `Recorded ${formatAbsolute(new Date(v.recordedAt), timeZone)} (hub time)${v.authors?.length ? `, edits ${versionAuthors(v)}` : ''}`,
      `${v.fileCount} file(s), ${formatBytes(v.totalBytes)}`,
      changes ? changes.map((c) => `${c.change === 'added' ? '+' : c.change === 'deleted' ? '−' : '~'} ${c.path}`).join('\n') : '',
    ],
  };
}

/** "2 changed, 1 added, 1 deleted", or "no file changed". */
export function changeCounts(changes: readonly ChangedFile[]): string {
  const n = (kind: ChangedFile['change']): number => changes.filter((c) => c.change === kind).length;
  const parts = [n('modified') ? `${n('modified')} changed` : '', n('added') ? `${n('added')} added` : '', n('deleted') ? `${n('deleted')} deleted` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'no file changed';
}

/** The title of a diff editor between a version of a file and another version (or the file now). */
export function diffTitle(path: string, left: { recordedAt: string } | undefined, right: { recordedAt: string } | 'now', now: Date, timeZone?: string): string {
  const name = path.split('/').pop() ?? path;
  const leftText = left ? versionTime(left.recordedAt, now, timeZone) : 'none';
  const rightText = right === 'now' ? 'now' : versionTime(right.recordedAt, now, timeZone);
  return `${name} (${leftText} ↔ ${rightText})`;
}
