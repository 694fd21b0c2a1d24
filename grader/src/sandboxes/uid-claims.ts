// Box uids are shared by every grader process on the machine (two test runs,
// a worker and an agent): a uid is claimed with a lock file holding the
// claimer's pid, so two boxes never run as the same uid at once — the
// process limit counts per uid. A claim whose process is gone is taken over.

import { mkdirSync, openSync, readFileSync, closeSync, writeSync, unlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const LOCK_DIR = path.join(os.tmpdir(), 'classpod-uid-claims');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claim `uid` for this process; false when another live process holds it. */
export function claimUid(uid: number): boolean {
  mkdirSync(LOCK_DIR, { recursive: true, mode: 0o700 });
  const file = path.join(LOCK_DIR, String(uid));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = NaN;
      try {
        holder = Number(readFileSync(file, 'utf8'));
      } catch {
        continue;
      }
      if (holder && holder !== process.pid && alive(holder)) return false;
      if (holder === process.pid) return false;
      try {
        unlinkSync(file);
      } catch {
        // Someone else took it over first.
      }
    }
  }
  return false;
}

/** Give a claimed uid back. */
export function releaseUid(uid: number): void {
  try {
    unlinkSync(path.join(LOCK_DIR, String(uid)));
  } catch {
    // Already gone.
  }
}
