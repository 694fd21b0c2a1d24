// Writing a file so that a reader (or a restart after a kill) sees either the
// old content or the new one, never half of it: write a temporary file beside
// the target, flush it, rename it over the target.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { TEMP_MARKER } from './ignore-rules';

/** A temporary name beside `target`, hidden and matched by the default ignore rules. */
export function tempPathBeside(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}${TEMP_MARKER}${randomBytes(6).toString('hex')}`);
}

/** Write `data` to `target` atomically (temporary file, fsync, rename). */
export async function writeFileAtomic(target: string, data: string | Uint8Array, options: { fsync?: boolean } = {}): Promise<void> {
  const tmp = tempPathBeside(target);
  const handle = await fs.open(tmp, 'w', 0o644);
  try {
    await handle.writeFile(data);
    if (options.fsync ?? true) await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/** Read and parse a JSON file; undefined when it does not exist or does not parse. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
