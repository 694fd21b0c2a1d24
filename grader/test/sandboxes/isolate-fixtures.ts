// The recorded isolate runs (grader/test/fixtures/isolate-*/, each folder
// from one real isolate on a grader-like machine): each program's meta file,
// isolate's exit status, and from the folder's expected.json the limits it
// ran with, what it printed and the verdict it must get. A new recording
// drops in as a folder (or as NAME.meta + NAME.stderr and a row of
// expected.json); a meta file without a row, or a row without a meta file,
// fails the tests.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { GradingLimits, Verdict } from '@classpod/protocol';
import { GRADER_ROOT } from '../temp-dir';

export const FIXTURES_ROOT = path.join(GRADER_ROOT, 'test', 'fixtures');

/** One expected.json: how a folder of recordings was made and what each must give. */
interface FixtureTable {
  /** isolate's version (`isolate --version`). */
  isolate: string;
  /** Whether the runs used `--cg` (and `--cg-mem` for the memory limit). */
  controlGroups: boolean;
  /** Standard input of every run. */
  stdin: string;
  /** Limits of every run, overridden per run. */
  limits: GradingLimits;
  runs: Record<string, { verdict: Verdict; limits?: Partial<GradingLimits>; stdout?: string; expectedStdout?: string }>;
}

/** One recorded run. */
export interface IsolateFixture {
  /** The folder (`isolate-2.6`). */
  set: string;
  dir: string;
  name: string;
  controlGroups: boolean;
  meta: string;
  isolateExit: number;
  limits: GradingLimits;
  stdin: string;
  /** What the program printed on standard output. */
  stdout: string;
  /** What the test expected on standard output (default: what it printed). */
  expectedStdout: string;
  /** The verdict it must get. */
  verdict: Verdict;
}

/** The folders of recordings. */
export function fixtureSets(): string[] {
  return readdirSync(FIXTURES_ROOT)
    .filter((d) => d.startsWith('isolate-') && existsSync(path.join(FIXTURES_ROOT, d, 'expected.json')))
    .sort();
}

function table(set: string): FixtureTable {
  return JSON.parse(readFileSync(path.join(FIXTURES_ROOT, set, 'expected.json'), 'utf8')) as FixtureTable;
}

/** The meta files of a folder and the rows of its table, for the check that they match. */
export function fixtureNames(set: string): { metaFiles: string[]; rows: string[] } {
  const metaFiles = readdirSync(path.join(FIXTURES_ROOT, set))
    .filter((f) => f.endsWith('.meta'))
    .map((f) => f.slice(0, -'.meta'.length))
    .sort();
  return { metaFiles, rows: Object.keys(table(set).runs).sort() };
}

/** Every recorded run of every folder (or of one). */
export function isolateFixtures(only?: string): IsolateFixture[] {
  const out: IsolateFixture[] = [];
  for (const set of only ? [only] : fixtureSets()) {
    const t = table(set);
    const dir = path.join(FIXTURES_ROOT, set);
    for (const [name, row] of Object.entries(t.runs).sort(([a], [b]) => a.localeCompare(b))) {
      const stderr = readFileSync(path.join(dir, `${name}.stderr`), 'utf8');
      const exit = /isolate-exit:(\d+)/.exec(stderr);
      out.push({
        set,
        dir,
        name,
        controlGroups: t.controlGroups,
        meta: readFileSync(path.join(dir, `${name}.meta`), 'utf8'),
        isolateExit: Number(exit?.[1] ?? NaN),
        limits: { ...t.limits, ...row.limits },
        stdin: t.stdin,
        stdout: row.stdout ?? '',
        expectedStdout: row.expectedStdout ?? row.stdout ?? '',
        verdict: row.verdict,
      });
    }
  }
  return out;
}
