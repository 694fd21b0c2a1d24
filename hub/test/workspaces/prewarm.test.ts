// Pre-warming a lab session with a real hub and real agents (the local
// provider), on the hub's injected clock: the class's workspaces start at the
// session's warm-up time and not before, each session warms once, a session
// that fell due while the hub was down is warmed when it starts again (or
// recorded as missed once it has begun), and workspaces nobody works in are
// stopped by the idle rule, counted from the session's start.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelPrewarmRequest, errorCodeName, ListPrewarmRequest, ProtocolError, SchedulePrewarmRequest } from '@classpod/protocol';
import { ManualClock } from '../../src/time/clock';
import type { LocalWorkspaceProvider } from '../../src/workspaces/local/local-provider';
import type { WorkspaceState } from '../../src/workspaces/workspace-provider';
import { startTestHub, type TestHub } from '../support/test-hub';

const T0 = new Date('2026-11-02T09:00:00.000Z').getTime();
const MIN = 60_000;
const STUDENTS = ['alice', 'bob', 'carol'];
const iso = (ms: number): string => new Date(ms).toISOString();

describe('pre-warming lab sessions (real hub, real agents, the hub clock)', function () {
  this.timeout(180_000);
  let dataDir: string;
  let clock: ManualClock;
  let t: TestHub | undefined;
  const start = async (): Promise<TestHub> => (t = await startTestHub({ dataDir, clock, prewarmPollMs: 3_600_000 }));

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'classpod-prewarm-'));
    clock = new ManualClock(T0);
    await start();
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const states = async (): Promise<WorkspaceState[]> => Promise.all(STUDENTS.map(async (s) => (await t!.hub.provider.status({ courseId: 'cs101', studentId: s })).state));

  it('starts the class at the warm-up time and not before, once, and stops it by the idle rule counted from the session’s start', async () => {
    const prof = await t!.connect('prof');
    const startsAt = T0 + 30 * MIN;
    const { session } = await prof.request(SchedulePrewarmRequest.type, { courseId: 'cs101', startsAt: iso(startsAt), leadMinutes: 10, label: 'Lab 1' });
    assert.equal(session.warmAt, iso(startsAt - 10 * MIN));
    assert.equal(session.state, 'scheduled');

    clock.set(startsAt - 10 * MIN - 1000);
    assert.deepEqual(await t!.hub.prewarm.runDue(), []);
    assert.deepEqual(await states(), ['stopped', 'stopped', 'stopped'], 'nothing starts before the warm-up time');

    clock.set(startsAt - 10 * MIN);
    const [warmed] = await t!.hub.prewarm.runDue();
    assert.equal(warmed?.state, 'warmed');
    assert.equal(warmed?.started, 3);
    assert.equal(warmed?.failed, 0);
    assert.deepEqual(await states(), ['running', 'running', 'running']);
    for (const s of STUDENTS) assert.ok(existsSync(join(dataDir, 'workspaces/cs101', s, 'c-sum')), `${s}'s workspace is laid out as on opening`);
    clock.set(startsAt - 5 * MIN);
    assert.deepEqual(await t!.hub.prewarm.runDue(), [], 'a session warms once');
    const listed = (await prof.request(ListPrewarmRequest.type, { courseId: 'cs101' })).sessions;
    assert.deepEqual(listed.map((s) => [s.label, s.state, s.started, s.warmedAt]), [['Lab 1', 'warmed', 3, iso(startsAt - 10 * MIN)]]);

    // Nobody works: the workspaces stay until the session's start plus the course's idle time (10 min), then stop.
    const provider = t!.hub.provider as LocalWorkspaceProvider;
    const keptFor = 10 * MIN + 10 * MIN;
    assert.deepEqual(await provider.stopIdle(Date.now() + keptFor - MIN), [], 'not stopped before the session has had its idle time');
    assert.deepEqual(await states(), ['running', 'running', 'running']);
    assert.deepEqual((await provider.stopIdle(Date.now() + keptFor + MIN)).sort(), ['cs101--alice', 'cs101--bob', 'cs101--carol']);
    assert.deepEqual(await states(), ['stopped', 'stopped', 'stopped']);
  });

  it('warms at start what fell due while the hub was down, and records one that had begun as missed', async () => {
    const prof = await t!.connect('prof');
    const later = (await prof.request(SchedulePrewarmRequest.type, { courseId: 'cs101', startsAt: iso(T0 + 30 * MIN), leadMinutes: 10 })).session;
    const sooner = (await prof.request(SchedulePrewarmRequest.type, { courseId: 'cs101', startsAt: iso(T0 + 15 * MIN), leadMinutes: 10 })).session;
    await t!.close();
    t = undefined;

    clock.set(T0 + 25 * MIN);
    await start();
    const prof2 = await t!.connect('prof');
    const byId = new Map((await prof2.request(ListPrewarmRequest.type, { courseId: 'cs101' })).sessions.map((s) => [s.sessionId, s]));
    assert.equal(byId.get(later.sessionId)?.state, 'warmed', 'its warm-up time passed while the hub was down; the session has not begun');
    assert.equal(byId.get(later.sessionId)?.started, 3);
    assert.equal(byId.get(sooner.sessionId)?.state, 'missed', 'it had begun when the hub came back');
    assert.deepEqual(await states(), ['running', 'running', 'running']);
  });

  it('refuses a session whose warm-up time has passed, and a cancelled session starts nothing', async () => {
    const prof = await t!.connect('prof');
    await assert.rejects(prof.request(SchedulePrewarmRequest.type, { courseId: 'cs101', startsAt: iso(T0 + 5 * MIN), leadMinutes: 10 }), (err: unknown) => {
      assert.ok(err instanceof ProtocolError);
      assert.equal(errorCodeName(err.code), 'InvalidParams');
      assert.match(err.message, /warm-up time .* has already passed/);
      return true;
    });
    const { session } = await prof.request(SchedulePrewarmRequest.type, { courseId: 'cs101', startsAt: iso(T0 + 60 * MIN) });
    assert.equal(session.leadMinutes, 10, 'ten minutes unless the professor says otherwise');
    assert.equal((await prof.request(CancelPrewarmRequest.type, { sessionId: session.sessionId })).session.state, 'cancelled');
    clock.set(T0 + 55 * MIN);
    assert.deepEqual(await t!.hub.prewarm.runDue(), []);
    assert.deepEqual(await states(), ['stopped', 'stopped', 'stopped']);
    const alice = await t!.connect('alice');
    await assert.rejects(alice.request(ListPrewarmRequest.type, { courseId: 'cs101' }), (err: unknown) => err instanceof ProtocolError && errorCodeName(err.code) === 'Forbidden');
  });
});
