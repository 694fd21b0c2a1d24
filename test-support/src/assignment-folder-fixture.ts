// A professor's assignment folder with everything an assignment folder's
// readers skip (version control, dependencies with their links, caches,
// editor settings, OS litter, sync's own files) at the top and inside
// starter/, and the files both readers must find: the extension's upload and
// the hub's `assignment add` are each tested against this one folder and
// this one answer, so they read it the same way.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Every file of the fixture a reader must find, sorted. */
export const ASSIGNMENT_FIXTURE_FILES: readonly string[] = [
  'README.md',
  'assignment.yaml',
  'grading/spec.yaml',
  'grading/tests/one.in',
  'grading/tests/one.out',
  'starter/build/notes.txt',
  'starter/echo.py',
];

/** Of those, what students start from (paths relative to starter/). */
export const ASSIGNMENT_FIXTURE_STARTER_FILES: readonly string[] = ['build/notes.txt', 'echo.py'];

const SPEC = `version: 1
assignment: echo
language: python
sources: [echo.py]
limits:
  timeMs: 2000
  memoryMb: 256
compare:
  mode: tokens
groups:
  - name: examples
    public: true
    tests:
      - { name: one, stdinFile: tests/one.in, stdoutFile: tests/one.out }
`;

/** Write the fixture into `dir` (an empty folder the caller owns). */
export async function writeAssignmentFixture(dir: string): Promise<void> {
  const write = async (rel: string, text: string) => {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text);
  };
  await write('assignment.yaml', 'title: Echo\ndue: +7d\n');
  await write('README.md', '# Echo\n');
  await write('grading/spec.yaml', SPEC);
  await write('grading/tests/one.in', '1\n');
  await write('grading/tests/one.out', '1\n');
  await write('starter/echo.py', 'print(input())\n');
  // A build output is the course's own choice: kept.
  await write('starter/build/notes.txt', 'kept\n');
  for (const at of ['', 'starter/']) {
    await write(`${at}.git/HEAD`, 'ref: refs/heads/main\n');
    await write(`${at}.hg/requires`, 'store\n');
    await write(`${at}.svn/entries`, '12\n');
    await write(`${at}node_modules/left-pad/index.js`, 'module.exports = 1;\n');
    // npm links every installed command: a link under a skipped folder is never looked at.
    await fs.mkdir(path.join(dir, `${at}node_modules/.bin`), { recursive: true });
    await fs.symlink('../left-pad/index.js', path.join(dir, `${at}node_modules/.bin/left-pad`));
    await write(`${at}__pycache__/echo.cpython-311.pyc`, 'x');
    await write(`${at}.vscode/settings.json`, '{}\n');
    await write(`${at}.DS_Store`, 'x');
    await write(`${at}Thumbs.db`, 'x');
    await write(`${at}.classpod-sync/ancestor.json`, '{}\n');
    await write(`${at}echo.py.classpod-tmp-1234`, 'half written');
    await write(`${at}.CLASSPOD-CASE-PROBE-abc`, '');
  }
}
