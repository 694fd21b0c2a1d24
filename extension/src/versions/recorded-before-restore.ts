// The rule that makes a restore lose nothing: a file's content is replaced
// only once the course server's newest version holds it as it is now. Until
// then, sync again (the caller's `sync`) and look again, up to a deadline;
// past it, refuse with a reason and change nothing. Plain logic: the clock,
// the sleep, the hub and the sync are passed in.

/** What the wait needs from its surroundings. */
export interface RecordedBeforeRestoreDeps {
  /** The files of the folder's newest version at the hub (undefined: none yet). */
  newestFiles(): Promise<ReadonlyArray<{ path: string; sha256: string }> | undefined>;
  /** Run a sync cycle (and resume a paused workspace); errors are the caller's to log. */
  sync(): Promise<void>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

/** The file's current content never reached the hub in time; nothing was changed. */
export class NotRecorded extends Error {}

/** Whether a version's files hold `path` with this content (or lack it, when the file does not exist now). */
export function holdsContent(files: ReadonlyArray<{ path: string; sha256: string }>, path: string, sha256: string | undefined): boolean {
  const entry = files.find((f) => f.path === path);
  return sha256 === undefined ? entry === undefined : entry?.sha256 === sha256;
}

/**
 * Resolve once the newest version holds `path` with content `sha256`
 * (undefined: the file does not exist now); throw NotRecorded after `timeoutMs`.
 * Resolves to the number of sync cycles it took.
 */
export async function waitUntilRecorded(
  path: string,
  sha256: string | undefined,
  deps: RecordedBeforeRestoreDeps,
  options: { timeoutMs: number; pollMs: number },
): Promise<number> {
  const deadline = deps.now() + options.timeoutMs;
  for (let syncs = 0; ; syncs++) {
    const files = await deps.newestFiles();
    if (files && holdsContent(files, path, sha256)) return syncs;
    if (deps.now() > deadline) throw new NotRecorded(`Nothing was restored: your current ${path} has not reached the course server yet.`);
    await deps.sync();
    await deps.sleep(options.pollMs);
  }
}
