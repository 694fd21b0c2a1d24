// "Rerun like the grader" against a real agent: a graded public test runs
// again in the workspace under its limits; the answer says whether the
// verdict is the grader's and, when not, why (the sources changed, another
// sandbox), and what the records lack (no toolchain). Hidden tests refuse.

import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadSpec, publicSpec } from '@classpod/grader';
import { type GradingResult, type GradingSpec } from '@classpod/protocol';
import { silentLogger } from '@classpod/observability';
import { openEndpoint, type OpenedEndpoint } from '../../../src/connection/open-endpoint';
import { compareRerun } from '../../../src/results/rerun-comparison';
import { gradedTest, rerunLikeGrader, type RerunPlace } from '../../../src/testing/grader-rerun';
import { startRealAgent, type RealAgent } from '../real-agent';

const demo = path.resolve(__dirname, '..', '..', '..', '..', '..', 'examples', 'demo-course', 'assignments', 'c-sum');

describe('rerun like the grader', function () {
  this.timeout(120_000);
  let agent: RealAgent;
  let spec: GradingSpec;
  const opened: OpenedEndpoint[] = [];

  before(async function () {
    agent = await startRealAgent();
    spec = publicSpec(loadSpec(path.join(demo, 'grading', 'spec.yaml')));
    mkdirSync(path.join(agent.root, 'c-sum', '.classpod', 'tests'), { recursive: true });
    writeFileSync(path.join(agent.root, 'c-sum', '.classpod', 'tests', 'spec.json'), JSON.stringify(spec));
  });
  after(async function () {
    for (const o of opened) o.endpoint.close(1000, 'done');
    await agent?.close();
  });

  /** A grade record as the hub shows a student: examples/small graded `verdict` from sources `sourceHash`, one hidden test. */
  const graded = (verdict: 'AC' | 'WA', sourceHash: string, sandbox = 'isolate'): GradingResult => ({
    submissionId: 'sub-1',
    status: 'graded',
    score: verdict === 'AC' ? 15 : 0,
    maxScore: 100,
    penaltyPercent: 0,
    counts: true,
    hiddenTests: 1,
    tests: [
      { name: 'small', group: 'examples', public: true, verdict, score: verdict === 'AC' ? 15 : 0, maxScore: 15, timeMs: 2, wallMs: 3, memoryKb: 900, message: verdict === 'AC' ? 'accepted' : 'wrong answer' },
      { public: false, hiddenIndex: 1, verdict: 'AC', score: 30, maxScore: 30 },
    ],
    provenance: { specHash: 'sha256:spec', sourceHash, sandbox, snapshotHash: 'ab'.repeat(32) },
  });

  const place = (result: GradingResult): RerunPlace => ({
    gradingResult: async () => result,
    workspace: async () => {
      const o = await openEndpoint({ server: new URL(agent.url), path: '/v1/connect', token: agent.token, capabilities: ['tests'], clientVersion: 't', logger: silentLogger });
      opened.push(o);
      return { endpoint: o.endpoint, release: () => o.endpoint.close(1000, 'rerun done') };
    },
    path: 'c-sum',
    where: 'your workspace',
    spec: async () => spec,
  });

  it('finds the same verdict for the submitted sources, and says the record names no toolchain', async function () {
    copyFileSync(path.join(demo, 'solution', 'sum.c'), path.join(agent.root, 'c-sum', 'sum.c'));
    // The grader hashes the same files the same way: take the hash a first run reports as the graded one.
    const probe = await rerunLikeGrader({ submissionId: 'sub-1', group: 'examples', name: 'small' }, place(graded('AC', 'sha256:unknown')));
    assert.ok(probe.comparison.reasons.some((r) => /not the submitted ones/.test(r)), 'another hash is called other sources');
    const first = await rerunLikeGrader({ submissionId: 'sub-1', group: 'examples', name: 'small' }, place(graded('AC', probe.rerunProvenance.sourceHash!)));
    assert.equal(first.rerun.verdict, 'AC');
    assert.equal(first.comparison.same, true);
    assert.match(first.comparison.summary, /^Rerun of examples\/small in your workspace: Accepted, the same as the grader\.$/);
    assert.ok(!first.comparison.reasons.some((r) => /not the submitted ones/.test(r)), first.comparison.reasons.join('\n'));
    assert.ok(first.comparison.reasons.some((r) => /names no toolchain/.test(r)), 'what the record lacks is said');
    assert.ok(first.comparison.reasons.some((r) => /`isolate` sandbox, your workspace in `(local|none)`/.test(r)), 'the sandboxes are compared');
    // The workspace run names its toolchain the way the hub names a grade's: a record with the same one matches.
    const tools = Object.entries(first.rerunProvenance).filter(([k]) => /^toolchain/.test(k));
    assert.ok(tools.some(([k, v]) => k === 'toolchain.c' && / · sha256:/.test(v)), JSON.stringify(first.rerunProvenance));
    const sameTools = await rerunLikeGrader(
      { submissionId: 'sub-1', group: 'examples', name: 'small' },
      place({ ...graded('AC', first.rerunProvenance.sourceHash!), provenance: { ...graded('AC', 'x').provenance, ...first.rerunProvenance, sandbox: 'isolate' } }),
    );
    assert.ok(!sameTools.comparison.reasons.some((r) => /toolchain/i.test(r)), sameTools.comparison.reasons.join('\n'));
  });

  it('says the verdicts differ and why when the files changed since the submission', async function () {
    writeFileSync(path.join(agent.root, 'c-sum', 'sum.c'), 'int main(void) { return 0; }\n');
    const out = await rerunLikeGrader({ submissionId: 'sub-1', group: 'examples', name: 'small' }, place(graded('AC', 'sha256:' + '0'.repeat(64))));
    assert.equal(out.rerun.verdict, 'WA');
    assert.equal(out.comparison.same, false);
    assert.match(out.comparison.summary, /Wrong answer, but the grader said Accepted\.$/);
    assert.ok(out.comparison.reasons.some((r) => /sources in your workspace are not the submitted ones \([0-9a-f]{12} here, 000000000000 graded\)/.test(r)));
    assert.ok(out.comparison.lines.includes('The verdicts differ.'));
  });

  it('refuses to rerun a hidden test, or one that was not graded', function () {
    assert.throws(() => gradedTest({ ...graded('AC', 'x'), tests: [{ public: false, hiddenIndex: 1, verdict: 'AC', score: 1, maxScore: 1 }] }, { submissionId: 'sub-1', group: 'x', name: 'y' }), /no graded test x\/y/);
    const named = { ...graded('AC', 'x'), tests: [{ name: 'y', group: 'x', public: false, hiddenIndex: 1, verdict: 'AC' as const, score: 1, maxScore: 1 }] };
    assert.throws(() => gradedTest(named, { submissionId: 'sub-1', group: 'x', name: 'y' }), /hidden test runs only on the grader/);
    assert.throws(() => gradedTest({ ...graded('AC', 'x'), status: 'queued' }, { submissionId: 'sub-1', group: 'examples', name: 'small' }), /not graded yet/);
  });

  it('compares toolchains when both records name them, and points at a run near its time limit', function () {
    const base = graded('AC', 'sha256:s').tests[0]!;
    const c = compareRerun({
      graded: { ...base, verdict: 'AC', timeMs: 950 },
      hiddenTests: 0,
      gradedProvenance: { sourceHash: 'sha256:s', sandbox: 'isolate', toolchainHash: 'sha256:aaaaaaaaaaaaaaaa' },
      rerun: { name: 'small', group: 'examples', public: true, verdict: 'TLE', timeMs: 1010, wallMs: 1100, memoryKb: 800, score: 0, maxScore: 15, message: 'CPU time limit exceeded (1000 ms)' },
      rerunProvenance: { sourceHash: 'sha256:s', sandbox: 'isolate', toolchainHash: 'sha256:bbbbbbbbbbbbbbbb' },
      limits: { timeMs: 1000, wallMs: 2000, memoryKb: 65536, processes: 1, outputKb: 64, fileSizeKb: 1024 },
      where: 'your workspace',
    });
    assert.equal(c.same, false);
    assert.deepEqual(c.reasons, [
      'Different toolchain: toolchainHash is bbbbbbbbbbbb in your workspace, aaaaaaaaaaaa on the grader.',
      'CPU time 950 ms on the grader, 1010 ms in your workspace, limit 1000 ms: a run this close to its limit depends on the machine.',
    ]);
  });
});
