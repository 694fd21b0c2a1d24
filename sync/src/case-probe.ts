// Whether a folder's file system tells names apart by letter case: Linux
// usually does; macOS and Windows usually do not. Probed, not guessed from
// the platform, because either kind of disk can be mounted anywhere. The
// probe file is created exclusively in the held folder, under a unique name.

import { randomBytes } from 'node:crypto';
import type { HeldFolder } from './held-folder';
import { CASE_PROBE_PREFIX } from './ignore-rules';

/** True when `folder` (which must be writable) distinguishes `A` from `a`. */
export async function probeCaseSensitive(folder: HeldFolder): Promise<boolean> {
  const upper = `${CASE_PROBE_PREFIX}${process.pid}-${randomBytes(6).toString('hex').toUpperCase()}`;
  const handle = await folder.createExclusive(upper, 0o600);
  await handle.close();
  try {
    return (await folder.lstat(upper.toLowerCase())) === undefined;
  } finally {
    await folder.unlink(upper).catch(() => undefined);
  }
}
