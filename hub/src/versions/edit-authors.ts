// Who edited a shared workspace since its last recorded version. The gateway
// tells of every editing frame a member's connection relays (a sync, a file
// written, a terminal typed into: relayed-activity.ts's `isEditFrame`); the
// version watcher takes the names when it records a version, so each version
// says whose edits made it. A group's workspace holds its one assignment, so
// the workspace is the folder. Kept in memory: after a hub restart the first
// version of a workspace may name nobody.

/** Most people remembered per workspace (a group is small; this only bounds a forged flood). */
const MAX_AUTHORS = 64;

export class EditAuthors {
  private readonly byWorkspace = new Map<string, Set<string>>();

  /** A person's connection relayed an edit into the workspace. */
  edited(workspaceId: string, personId: string): void {
    let set = this.byWorkspace.get(workspaceId);
    if (!set) this.byWorkspace.set(workspaceId, (set = new Set()));
    if (set.size < MAX_AUTHORS) set.add(personId);
  }

  /** Everyone who edited since the last take, sorted; forgets them. */
  take(workspaceId: string): string[] {
    const set = this.byWorkspace.get(workspaceId);
    this.byWorkspace.delete(workspaceId);
    return set ? [...set].sort() : [];
  }

  /** Give back names taken for a recording that recorded nothing (the change is still to come). */
  restore(workspaceId: string, personIds: readonly string[]): void {
    for (const p of personIds) this.edited(workspaceId, p);
  }
}
