// deploy/monitoring's PrometheusRule: a valid object in the production build,
// rules that promtool accepts, alerts that fire exactly as documented (no
// grading worker for 5 minutes; a job waiting over 10 minutes) in promtool's
// rule unit tests, and metric names that a real hub serves on /metrics.

import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { startTestHub } from '../support/test-hub';
import { requireTool, runTool } from './external-tool';
import { validateKubernetesObject, type KubernetesObjectLike } from './kubernetes-schema';
import { repoRoot } from './repo-root';

interface Rule {
  alert?: string;
  expr: string;
  for?: string;
  annotations?: Record<string, string>;
}

/** promtool's rule unit tests: input series, and which alerts fire when (`fired(alert, value)` gives one expected alert). */
const unitTests = (fired: (alert: string, humanized?: string) => object) => ({
  rule_files: ['rules.yaml'],
  evaluation_interval: '1m',
  tests: [
    {
      // Two hub replicas; workers gone from both from minute 3 on.
      interval: '1m',
      input_series: [
        { series: 'classpod_hub_grader_connections{pod="hub-a"}', values: '1 1 1 0x20' },
        { series: 'classpod_hub_grader_connections{pod="hub-b"}', values: '2 1 1 0x20' },
      ],
      alert_rule_test: [
        { eval_time: '4m', alertname: 'ClasspodNoGradingWorkers', exp_alerts: [] },
        { eval_time: '7m', alertname: 'ClasspodNoGradingWorkers', exp_alerts: [] },
        { eval_time: '8m', alertname: 'ClasspodNoGradingWorkers', exp_alerts: [fired('ClasspodNoGradingWorkers')] },
      ],
    },
    {
      // One worker on one replica is enough.
      interval: '1m',
      input_series: [
        { series: 'classpod_hub_grader_connections{pod="hub-a"}', values: '0x20' },
        { series: 'classpod_hub_grader_connections{pod="hub-b"}', values: '1x20' },
      ],
      alert_rule_test: [{ eval_time: '15m', alertname: 'ClasspodNoGradingWorkers', exp_alerts: [] }],
    },
    {
      // No hub scraped at all: nobody can grade either.
      interval: '1m',
      input_series: [{ series: 'up{job="other"}', values: '1x20' }],
      alert_rule_test: [{ eval_time: '10m', alertname: 'ClasspodNoGradingWorkers', exp_alerts: [fired('ClasspodNoGradingWorkers')] }],
    },
    {
      // A job queued at minute 0 and never leased: 600 s is not yet over, 660 s is.
      interval: '1m',
      input_series: [{ series: 'classpod_hub_grading_oldest_queued_seconds{pod="hub-a"}', values: '0+60x15' }],
      alert_rule_test: [
        { eval_time: '10m', alertname: 'ClasspodGradingJobWaiting', exp_alerts: [] },
        { eval_time: '11m', alertname: 'ClasspodGradingJobWaiting', exp_alerts: [fired('ClasspodGradingJobWaiting', '11m 0s')] },
      ],
    },
  ],
});

describe('deploy/monitoring (grading-capacity alerts)', function () {
  this.timeout(60_000);
  let rule: KubernetesObjectLike & { spec: { groups: Array<{ name: string; rules: Rule[] }> } };
  let work: string;

  before(function () {
    const kubectl = requireTool(this, 'kubectl', process.env.CLASSPOD_KUBECTL);
    const run = runTool(kubectl, ['kustomize', path.join(repoRoot(), 'deploy', 'overlays', 'production')]);
    assert.equal(run.status, 0, run.stderr);
    const objects = parseAllDocuments(run.stdout).map((d) => d.toJSON() as KubernetesObjectLike);
    const found = objects.find((o) => o.kind === 'PrometheusRule' && o.metadata?.name === 'classpod-grading');
    assert.ok(found, 'the production build has the PrometheusRule classpod-grading');
    rule = found as typeof rule;
    work = mkdtempSync(path.join(tmpdir(), 'classpod-rules-'));
  });
  after(() => work && rmSync(work, { recursive: true, force: true }));

  it('is a valid PrometheusRule in the classpod namespace', () => {
    validateKubernetesObject(rule);
    assert.equal(rule.metadata?.namespace, 'classpod');
    const alerts = rule.spec.groups.flatMap((g) => g.rules.map((r) => r.alert));
    assert.deepEqual(alerts.sort(), ['ClasspodGradingJobWaiting', 'ClasspodNoGradingWorkers']);
  });

  it('passes promtool, and its alerts fire when no worker was connected for 5 minutes and when a job waited over 10', function () {
    const promtool = requireTool(this, 'promtool', process.env.CLASSPOD_PROMTOOL);
    writeFileSync(path.join(work, 'rules.yaml'), stringify({ groups: rule.spec.groups }));
    const rules = rule.spec.groups.flatMap((g) => g.rules);
    const fired = (alert: string, humanized?: string): object => {
      const r = rules.find((x) => x.alert === alert)!;
      const severity = alert === 'ClasspodNoGradingWorkers' ? 'critical' : 'warning';
      const annotations = Object.fromEntries(
        Object.entries(r.annotations ?? {}).map(([k, v]) => [k, v.replace('{{ $value | humanizeDuration }}', humanized ?? '')]),
      );
      return { exp_labels: { severity }, exp_annotations: annotations };
    };
    writeFileSync(path.join(work, 'tests.yaml'), stringify(unitTests(fired)));
    const check = runTool(promtool, ['check', 'rules', path.join(work, 'rules.yaml')]);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const test = runTool(promtool, ['test', 'rules', 'tests.yaml'], { cwd: work });
    assert.equal(test.status, 0, test.stdout + test.stderr);
  });

  it('names only metrics a real hub serves', async () => {
    const names = new Set(rule.spec.groups.flatMap((g) => g.rules.flatMap((r) => String(r.expr).match(/classpod_[a-z_]+/g) ?? [])));
    assert.ok(names.size >= 2);
    const t = await startTestHub();
    try {
      const metrics = await (await fetch(`${t.hub.url}/metrics`)).text();
      for (const name of names) assert.match(metrics, new RegExp(`^# TYPE ${name} gauge$`, 'm'), `${name} is not on /metrics`);
    } finally {
      await t.close();
    }
  });
});
