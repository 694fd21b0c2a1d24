// Whether a folder's file system tells names apart by letter case: Linux
// usually does; macOS and Windows usually do not. Probed, not guessed from
// the platform, because either kind of disk can be mounted anywhere.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** True when `dir` (which must exist and be writable) distinguishes `A` from `a`. */
export async function probeCaseSensitive(dir: string): Promise<boolean> {
  const upper = path.join(dir, `.CLASSPOD-CASE-PROBE-${process.pid}-${Date.now()}`);
  await fs.writeFile(upper, '');
  try {
    await fs.access(path.join(dir, path.basename(upper).toLowerCase()));
    return false;
  } catch {
    return true;
  } finally {
    await fs.rm(upper, { force: true });
  }
}
