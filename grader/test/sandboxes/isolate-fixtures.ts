// The recorded isolate 2.6 runs (grader/test/fixtures/isolate-2.6, copied
// from a real isolate on a grader-like machine): each program's meta file,
// isolate's exit status, the limits it ran with, and the verdict it must get.

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { GradingLimits, Verdict } from '@classpod/protocol';
import { GRADER_ROOT } from '../temp-dir';

export const FIXTURES = path.join(GRADER_ROOT, 'test', 'fixtures', 'isolate-2.6');

/** One recorded run. */
export interface IsolateFixture {
  name: string;
  meta: string;
  isolateExit: number;
  limits: GradingLimits;
  /** What the program printed on standard output (only `ok` prints). */
  stdout: string;
  /** The verdict it must get (`ok` is compared with expected output "5"). */
  verdict: Verdict;
}

const base: GradingLimits = { timeMs: 1000, wallMs: 2000, memoryKb: 65536, processes: 1, outputKb: 1024, fileSizeKb: 1024 };

/** Limits from the fixture README's table, and the verdicts a student must see. */
const EXPECTED: Record<string, { limits: Partial<GradingLimits>; verdict: Verdict; stdout?: string }> = {
  ok: { limits: {}, verdict: 'AC', stdout: '5\n' },
  tle: { limits: { wallMs: 3000 }, verdict: 'TLE' },
  sleep: { limits: {}, verdict: 'WLE' },
  exit3: { limits: {}, verdict: 'RE' },
  segv: { limits: {}, verdict: 'RE' },
  mem: { limits: { timeMs: 2000, wallMs: 4000 }, verdict: 'MLE' },
  fork: { limits: { processes: 10 }, verdict: 'RE' },
  big: { limits: { timeMs: 2000, wallMs: 4000, fileSizeKb: 1024 }, verdict: 'OLE' },
};

/** Every recorded run; throws when a fixture has no expectation (so a new one cannot be forgotten). */
export function isolateFixtures(): IsolateFixture[] {
  const names = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.meta'))
    .map((f) => f.slice(0, -'.meta'.length))
    .sort();
  return names.map((name) => {
    const expected = EXPECTED[name];
    if (!expected) throw new Error(`fixture ${name}.meta has no expected verdict`);
    const stderr = readFileSync(path.join(FIXTURES, `${name}.stderr`), 'utf8');
    const exit = /isolate-exit:(\d+)/.exec(stderr);
    return {
      name,
      meta: readFileSync(path.join(FIXTURES, `${name}.meta`), 'utf8'),
      isolateExit: Number(exit?.[1] ?? NaN),
      limits: { ...base, ...expected.limits },
      stdout: expected.stdout ?? '',
      verdict: expected.verdict,
    };
  });
}

/** Names with an expectation. */
export const EXPECTED_FIXTURES = Object.keys(EXPECTED).sort();
