// The grading-capacity metrics a real hub serves on /metrics, which the
// PrometheusRule in deploy/ alerts on: how many grading workers are
// connected, and how long the oldest queued job has waited (by the hub's
// clock, here a manual one moved past the alert's ten minutes).

import assert from 'node:assert/strict';
import { SubmitRequest } from '@classpod/protocol';
import { ManualClock } from '../../src/time/clock';
import { startTestHub, type TestHub } from '../support/test-hub';
import { TestWorkerConnection } from '../support/test-worker';

/** The value of an unlabelled metric on /metrics, or undefined when absent. */
async function metric(t: TestHub, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${t.hub.url}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Poll /metrics until `ok` holds for the metric (generous deadline); returns the value seen. */
async function waitForMetric(t: TestHub, name: string, ok: (v: number) => boolean, what: string): Promise<number> {
  const deadline = Date.now() + 20_000;
  let last: number | undefined;
  while (Date.now() < deadline) {
    last = await metric(t, name);
    if (last !== undefined && ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} never became ${what} (last ${last})`);
}

describe('grading capacity on /metrics', function () {
  this.timeout(60_000);
  let t: TestHub;
  let clock: ManualClock;
  const workers: TestWorkerConnection[] = [];

  before(async () => {
    clock = new ManualClock(Date.now());
    t = await startTestHub({ clock });
  });
  after(async () => {
    for (const w of workers) w.close();
    await t?.close();
  });

  it('counts connected grading workers', async () => {
    assert.equal(await metric(t, 'classpod_hub_grader_connections'), 0);
    workers.push(await TestWorkerConnection.connect(t.hub.url, t.tokens.grader!));
    workers.push(await TestWorkerConnection.connect(t.hub.url, t.tokens.grader!));
    await waitForMetric(t, 'classpod_hub_grader_connections', (v) => v === 2, '2');
    workers.pop()!.close();
    await waitForMetric(t, 'classpod_hub_grader_connections', (v) => v === 1, '1');
  });

  it('shows how long the oldest queued job has waited, past ten minutes, and 0 once it is leased', async () => {
    assert.equal(await metric(t, 'classpod_hub_grading_oldest_queued_seconds'), 0, 'nothing queued yet');
    await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: 'alice' });
    const alice = await t.connect('alice');
    await alice.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: 'c-sum' });
    await waitForMetric(t, 'classpod_hub_grading_oldest_queued_seconds', (v) => v > 0, 'above 0 once a job is queued');
    clock.advance(11 * 60_000);
    const waited = await waitForMetric(t, 'classpod_hub_grading_oldest_queued_seconds', (v) => v > 600, 'over 600 s');
    assert.ok(waited < 11 * 60 + 30, `${waited} s is about the eleven minutes the clock moved`);
    const job = await workers[0]!.lease(10_000);
    assert.ok(job, 'the worker leased the job');
    await waitForMetric(t, 'classpod_hub_grading_oldest_queued_seconds', (v) => v === 0, '0 once the job is leased');
  });
});
