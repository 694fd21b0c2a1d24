// The demo course as the grader VM test serves it: a copy of
// examples/demo-course whose run-time limits (CPU and wall clock) are
// multiplied by a factor. Under software emulation (TCG) every instruction
// of the guest costs tens of host instructions and the guest's clocks run
// while the emulator waits for the host's CPU, so the unscaled limits would
// time the emulator, not the submission; under KVM the factor is 1.

import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { DEMO_COURSE_DIR } from './repo-paths';

/** The grader's default CPU limit of a test (grader/README.md). */
const DEFAULT_TIME_MS = 1000;

/** Copy the demo course to `dest` with every test's time limits multiplied by `factor`; returns `dest`. */
export function writeTestCourse(dest: string, factor: number): string {
  cpSync(DEMO_COURSE_DIR, dest, { recursive: true });
  if (factor === 1) return dest;
  for (const assignment of readdirSync(path.join(dest, 'assignments'))) {
    const file = path.join(dest, 'assignments', assignment, 'grading', 'spec.yaml');
    const doc = parseDocument(readFileSync(file, 'utf8'));
    scaleLimits(doc, ['limits'], factor, true);
    const groups = doc.getIn(['groups']) as { items?: unknown[] } | undefined;
    (groups?.items ?? []).forEach((_, g) => {
      scaleLimits(doc, ['groups', g, 'limits'], factor, false);
      const tests = doc.getIn(['groups', g, 'tests']) as { items?: unknown[] } | undefined;
      (tests?.items ?? []).forEach((_, t) => scaleLimits(doc, ['groups', g, 'tests', t, 'limits'], factor, false));
    });
    const tests = doc.getIn(['tests']) as { items?: unknown[] } | undefined;
    (tests?.items ?? []).forEach((_, t) => scaleLimits(doc, ['tests', t, 'limits'], factor, false));
    writeFileSync(file, doc.toString());
  }
  return dest;
}

/** Multiply `timeMs` and `wallMs` at `at`; the top level gets the default CPU limit made explicit. */
function scaleLimits(doc: Document, at: Array<string | number>, factor: number, topLevel: boolean): void {
  const time = doc.getIn([...at, 'timeMs']) as number | undefined;
  if (time !== undefined || topLevel) doc.setIn([...at, 'timeMs'], (time ?? DEFAULT_TIME_MS) * factor);
  const wall = doc.getIn([...at, 'wallMs']) as number | undefined;
  if (wall !== undefined) doc.setIn([...at, 'wallMs'], wall * factor);
}
