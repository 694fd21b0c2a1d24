// What the status bar says about syncing: synced, syncing N files, offline —
// edits kept, conflicts: N, or that the workspace disk is full (and which
// files did not fit). A pure summary of the sync session's state,
// its progress and the conflict copies in the folder.

import type { SyncProgress, SyncState } from '@classpod/sync';

export type SyncStatus =
  | { kind: 'synced' }
  | { kind: 'syncing'; files: number }
  | { kind: 'offline' }
  | { kind: 'conflicts'; count: number }
  | { kind: 'disk-full'; files: string[] }
  | { kind: 'stopped' };

/** `diskFull`: the files the last cycle could not place because the workspace disk is full. */
export function summariseSync(state: SyncState, progress: SyncProgress | undefined, conflictCount: number, diskFull: readonly string[] = []): SyncStatus {
  if (state === 'closed') return { kind: 'stopped' };
  if (state === 'syncing') {
    const files = progress && progress.phase !== 'done' ? Math.max(0, progress.filesTotal - progress.filesDone) : 0;
    return { kind: 'syncing', files };
  }
  if (diskFull.length > 0 && state !== 'offline') return { kind: 'disk-full', files: [...diskFull].sort() };
  if (conflictCount > 0) return { kind: 'conflicts', count: conflictCount };
  if (state === 'offline') return { kind: 'offline' };
  return { kind: 'synced' };
}

/** Status bar text (with a codicon) and tooltip. */
export function describeSync(status: SyncStatus, folderName: string): { text: string; tooltip: string } {
  switch (status.kind) {
    case 'synced':
      return { text: '$(check) Synced', tooltip: `${folderName} matches your workspace.` };
    case 'syncing':
      return {
        text: status.files > 0 ? `$(sync~spin) Syncing ${status.files} file${status.files === 1 ? '' : 's'}` : '$(sync~spin) Syncing',
        tooltip: `Bringing ${folderName} and your workspace together.`,
      };
    case 'offline':
      return { text: '$(cloud-offline) Offline — edits kept', tooltip: `Your workspace cannot be reached. Edits in ${folderName} are kept and sync when it is back.` };
    case 'conflicts':
      return {
        text: `$(warning) Conflicts: ${status.count}`,
        tooltip: `Both sides changed the same file${status.count === 1 ? '' : 's'}; the other version was kept as a copy. Click to compare.`,
      };
    case 'disk-full':
      return { text: '$(error) Workspace disk full', tooltip: diskFullMessage(status.files) };
    case 'stopped':
      return { text: '$(circle-slash) Sync stopped', tooltip: `${folderName} is not synced.` };
  }
}

/** What the student is told when files did not fit: the disk is full, which files, and what to do. */
export function diskFullMessage(files: readonly string[]): string {
  const shown = files.slice(0, 3).join(', ') + (files.length > 3 ? ` and ${files.length - 3} more` : '');
  return `The workspace disk is full: ${shown} did not fit. Free space in your workspace (delete files you do not need there); sync tries again.`;
}
