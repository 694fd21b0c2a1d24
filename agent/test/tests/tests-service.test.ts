import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadSpec, publicSpec } from '@classpod/grader';
import { ProtocolError, RunPublicTestsRequest, TestProgressNotification } from '@classpod/protocol';
import { cleanup, startTestAgent } from '../helpers';
import { skipWithoutTool } from '@classpod/test-support';

const example = path.resolve(__dirname, '..', '..', '..', '..', 'examples', 'demo-course', 'assignments', 'py-primes');

/** A workspace holding py-primes with the given program and its public tests, as the hub writes them. */
function workspaceWith(program: 'solution' | 'wrong', root: string): void {
  const dir = path.join(root, 'py-primes');
  mkdirSync(path.join(dir, '.classpod', 'tests'), { recursive: true });
  if (program === 'solution') copyFileSync(path.join(example, 'solution', 'primes.py'), path.join(dir, 'primes.py'));
  else writeFileSync(path.join(dir, 'primes.py'), 'print(0)\nprint(0)\n');
  const spec = publicSpec(loadSpec(path.join(example, 'grading', 'spec.yaml')));
  writeFileSync(path.join(dir, '.classpod', 'tests', 'spec.json'), JSON.stringify(spec));
}

describe('tests service', function () {
  // Starts processes; a loaded machine makes that slow.
  this.timeout(120_000);
  before(function () {
    if (spawnSync('python3', ['--version']).error) skipWithoutTool(this, 'python3 is not installed');
  });
  afterEach(cleanup);

  it('runs the public tests of an assignment and reports each one', async () => {
    const t = await startTestAgent();
    workspaceWith('solution', t.root);
    const c = await t.connect();
    const progress: Array<{ name: string; done: number; total: number }> = [];
    c.endpoint.onNotification(TestProgressNotification.type, (p) => progress.push({ name: p.result.name, done: p.done, total: p.total }));
    const { result } = await c.endpoint.request(RunPublicTestsRequest.type, { path: 'py-primes', runId: 'r1' }, { timeoutMs: 120_000 });
    assert.equal(result.compile.status, 'OK');
    assert.deepEqual(result.tests.map((x) => [x.name, x.verdict, x.public]), [['small', 'AC', true], ['teens', 'AC', true]]);
    assert.ok(result.tests.every((x) => x.public), 'only public tests ran');
    assert.ok(['local', 'none'].includes(result.sandbox));
    assert.deepEqual(progress.map((p) => p.done).sort(), [1, 2]);
    assert.ok(progress.every((p) => p.total === 2));
  });

  it('shows a wrong answer with its difference', async () => {
    const t = await startTestAgent();
    workspaceWith('wrong', t.root);
    const c = await t.connect();
    const { result } = await c.endpoint.request(RunPublicTestsRequest.type, { path: 'py-primes' }, { timeoutMs: 120_000 });
    assert.deepEqual(result.tests.map((x) => x.verdict), ['WA', 'WA']);
    assert.equal(result.score, 0);
    const diff = result.tests[0]!.diff;
    assert.ok(diff, 'a public test shows its difference');
    assert.ok(diff.line >= 1 && diff.column >= 1, 'at a line and column');
    assert.notDeepEqual(diff.expected.lines, diff.actual.lines, 'with the expected and the actual lines as data');
  });

  it('reruns one public test alone, under the limits its specification gives it', async () => {
    const t = await startTestAgent();
    workspaceWith('wrong', t.root);
    const c = await t.connect();
    const spec = publicSpec(loadSpec(path.join(example, 'grading', 'spec.yaml')));
    const group = spec.groups[0]!;
    const only = group.tests[1]!;
    const { result } = await c.endpoint.request(RunPublicTestsRequest.type, { path: 'py-primes', test: { group: group.name, name: only.name } }, { timeoutMs: 120_000 });
    assert.deepEqual(result.tests.map((x) => [x.group, x.name, x.verdict]), [[group.name, only.name, 'WA']]);
    const share = (group.points * only.weight) / group.tests.reduce((n, x) => n + x.weight, 0);
    assert.equal(result.tests[0]!.maxScore, share, 'worth what it is worth in its group');
    await assert.rejects(
      c.endpoint.request(RunPublicTestsRequest.type, { path: 'py-primes', test: { group: group.name, name: 'no-such-test' } }),
      (e: ProtocolError) => ProtocolError.is(e, 'NotFound') && new RegExp(`no public test ${group.name}/no-such-test`).test(e.message),
    );
  });

  it('says so when a folder has no public tests', async () => {
    const t = await startTestAgent();
    mkdirSync(path.join(t.root, 'empty'));
    const c = await t.connect();
    await assert.rejects(
      c.endpoint.request(RunPublicTestsRequest.type, { path: 'empty' }),
      (e: ProtocolError) => ProtocolError.is(e, 'NotFound') && /no public tests/.test(e.message),
    );
  });
});
