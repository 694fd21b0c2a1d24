// Temporary folders for tests, removed after each test even when it fails.

import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Paths of the grader package and the repository, from compiled tests (grader/dist/test/...). */
export const GRADER_ROOT = path.resolve(__dirname, '..', '..');
export const REPO_ROOT = path.resolve(GRADER_ROOT, '..');
export const DEMO_ASSIGNMENTS = path.join(REPO_ROOT, 'examples', 'demo-course', 'assignments');

/** Registers mocha hooks; `dir()` gives a fresh folder removed after the test. */
export function useTempDirs(): { dir: () => string } {
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    dir: () => {
      const d = mkdtempSync(path.join(os.tmpdir(), 'classpod-grader-test-'));
      made.push(d);
      return d;
    },
  };
}
