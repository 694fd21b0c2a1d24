import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadSpec, publicSpec, type GradingSpec } from '../../src';
import { DEMO_ASSIGNMENTS } from '../temp-dir';

describe('publicSpec', () => {
  const spec: GradingSpec = {
    version: 1,
    language: 'c',
    sources: ['a.c'],
    files: [],
    groups: [
      {
        name: 'mixed',
        scoring: 'sum',
        points: 40,
        tests: [
          { name: 'shown', public: true, stdin: 'public-input', args: [], expectedStdout: 'public-output', expectedFiles: [], weight: 1, limits: { timeMs: 1, wallMs: 1, memoryKb: 1, processes: 1, outputKb: 1, fileSizeKb: 1 }, compare: { mode: 'exact' } },
          { name: 'secret-name', public: false, stdin: 'SECRET-INPUT', args: ['SECRET-ARG'], expectedStdout: 'SECRET-OUTPUT', expectedFiles: [{ path: 'o.txt', content: 'SECRET-FILE' }], weight: 3, limits: { timeMs: 1, wallMs: 1, memoryKb: 1, processes: 1, outputKb: 1, fileSizeKb: 1 }, compare: { mode: 'exact' } },
        ],
      },
      {
        name: 'hidden-group',
        scoring: 'all-or-nothing',
        points: 60,
        tests: [{ name: 'h', public: false, stdin: 'SECRET-2', args: [], expectedStdout: 'SECRET-3', expectedFiles: [], weight: 1, limits: { timeMs: 1, wallMs: 1, memoryKb: 1, processes: 1, outputKb: 1, fileSizeKb: 1 }, compare: { mode: 'exact' } }],
      },
    ],
  };

  it('keeps only public tests and never any hidden test data', () => {
    const pub = publicSpec(spec);
    assert.deepEqual(pub.groups.map((g) => g.tests.map((t) => t.name)), [['shown']]);
    const text = JSON.stringify(pub);
    assert.doesNotMatch(text, /SECRET/);
  });

  it('says how many tests and points are hidden, and scales a mixed group', () => {
    const pub = publicSpec(spec);
    assert.deepEqual(pub.hidden, { tests: 2, points: 90 });
    assert.equal(pub.groups[0]!.points, 10);
  });

  it('is idempotent and leaves the original untouched', () => {
    const once = publicSpec(spec);
    assert.deepEqual(publicSpec(once), once);
    assert.equal(spec.groups[0]!.tests.length, 2);
  });

  it('removes the hidden tests of every demo assignment', () => {
    for (const slug of ['c-sum', 'cpp-wordfreq', 'py-primes']) {
      const full = loadSpec(path.join(DEMO_ASSIGNMENTS, slug, 'grading', 'spec.yaml'));
      const pub = publicSpec(full);
      const hidden = full.groups.flatMap((g) => g.tests).filter((t) => !t.public);
      assert.ok(hidden.length > 0, `${slug} has hidden tests`);
      assert.ok(pub.groups.flatMap((g) => g.tests).length > 0, `${slug} has public tests`);
      assert.ok(pub.groups.flatMap((g) => g.tests).every((t) => t.public));
      const names = new Set(pub.groups.flatMap((g) => g.tests).map((t) => t.name));
      for (const t of hidden) assert.ok(!names.has(t.name), `${slug}: hidden test ${t.name} leaked`);
    }
  });
});
