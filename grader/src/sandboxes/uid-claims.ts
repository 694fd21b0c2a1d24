// Box uids are shared by every grader process on the machine (two test runs,
// a worker and an agent): a uid is claimed with a lock file holding the
// claimer's pid, so two boxes never run as the same uid at once — the
// process limit counts per uid. A claim whose process is gone is taken over.
// The lock files live in one fixed, root-owned folder (never under TMPDIR,
// which differs between processes): /run/classpod-grader/uids, or
// /var/lib/classpod/box-uids where /run is missing. Without root (where the
// `local` sandbox cannot run anyway) a per-user folder is used instead.

import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import * as path from 'node:path';

/** The claims folder of root, where it can be made. */
export const ROOT_UID_CLAIMS_DIR = existsSync('/run') ? '/run/classpod-grader/uids' : '/var/lib/classpod/box-uids';

let lockDir: string | undefined;

/** The folder claims are made in: fixed for the machine (root) or for the user. */
export function uidClaimsDir(): string {
  if (lockDir) return lockDir;
  const uid = process.getuid?.();
  if (uid === 0) {
    mkdirSync(ROOT_UID_CLAIMS_DIR, { recursive: true, mode: 0o700 });
    // Everything on the way must be root's and writable by root alone, or another user could forge claims.
    for (let dir = ROOT_UID_CLAIMS_DIR; dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const st = lstatSync(dir);
      if (!st.isDirectory() || st.uid !== 0 || st.mode & 0o022) {
        throw new Error(`${dir} must be a folder owned by root and writable by root alone (box uid claims live in ${ROOT_UID_CLAIMS_DIR})`);
      }
    }
    lockDir = ROOT_UID_CLAIMS_DIR;
  } else {
    const base = process.env.XDG_RUNTIME_DIR && path.isAbsolute(process.env.XDG_RUNTIME_DIR) ? process.env.XDG_RUNTIME_DIR : `/tmp/classpod-grader-${uid ?? 'user'}`;
    lockDir = path.join(base, 'classpod-grader', 'uids');
    mkdirSync(lockDir, { recursive: true, mode: 0o700 });
  }
  return lockDir;
}

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
  const file = path.join(uidClaimsDir(), String(uid));
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
    unlinkSync(path.join(uidClaimsDir(), String(uid)));
  } catch {
    // Already gone.
  }
}

/** The live process other than this one that holds `uid` now, or null (tests tell their leftovers from another grader's runs). */
export function uidHeldByOther(uid: number): number | null {
  try {
    const holder = Number(readFileSync(path.join(uidClaimsDir(), String(uid)), 'utf8'));
    return holder && holder !== process.pid && alive(holder) ? holder : null;
  } catch {
    return null;
  }
}
