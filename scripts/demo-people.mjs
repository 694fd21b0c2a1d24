// What `npm start` keeps in a kept data folder (CLASSPOD_DATA_DIR) besides the
// hub's own data: the demo people's tokens, so a restart on the same folder
// prints the same tokens (the hub stores only their hashes), and the decision
// whether the demo course must be set up (only when the folder has none:
// setting it up again would move every due date).

import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

/** The file in the data folder holding the demo people and their tokens (readable by its owner only). */
export const DEMO_PEOPLE_FILE = 'demo-people.json';

/** The demo people and tokens kept in `dataDir`, or an empty list when there are none or the file is not ours. */
export function readKeptPeople(dataDir) {
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(join(dataDir, DEMO_PEOPLE_FILE), 'utf8'));
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter((p) => p && typeof p.id === 'string' && typeof p.token === 'string' && typeof p.role === 'string');
}

/** Keep the demo people and their tokens in `dataDir` (written whole, then renamed into place). */
export function keepPeople(dataDir, people) {
  const file = join(dataDir, DEMO_PEOPLE_FILE);
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(people.map(({ id, name, role, token }) => ({ id, name, role, token })), null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

/**
 * The token to print for `person`: the kept one while the hub still accepts
 * it (`accepts(token)`), else a new one from `issue()`.
 */
export async function tokenFor(person, kept, accepts, issue) {
  const old = kept.find((k) => k.id === person.id)?.token;
  if (old && (await accepts(old))) return old;
  return issue();
}
