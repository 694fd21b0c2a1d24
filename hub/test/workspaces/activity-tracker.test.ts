// The activity tracker: a workspace is idle once its course's idle time has
// passed since the last activity, never while a run is in progress; a start
// only for the hub's own file access is idle sooner.

import assert from 'node:assert/strict';
import { ActivityTracker, DEFAULT_IDLE_STOP_MS, pausedReason } from '../../src/workspaces/activity-tracker';

describe('activity tracker', () => {
  const key = { courseId: 'cs101', studentId: 'alice' };
  let clock = 0;
  const tracker = (): ActivityTracker => new ActivityTracker({ now: () => clock });
  beforeEach(() => {
    clock = 1_000_000;
  });

  it('is idle ten minutes after the last activity unless the course sets its own time', async () => {
    const t = tracker();
    t.record(key);
    clock += DEFAULT_IDLE_STOP_MS - 1;
    assert.equal(await t.isIdle(key), false);
    clock += 1;
    assert.equal(await t.isIdle(key), true);
    t.useCourseIdleTime(async (courseId) => (courseId === 'cs101' ? 60 * 60_000 : undefined));
    assert.equal(await t.isIdle(key), false, 'the course waits an hour');
  });

  it('names the idle time that applied in its pause reason, however late the check ran', async () => {
    const t = tracker();
    t.useCourseIdleTime(async () => 60_000);
    t.record(key);
    clock += 2.6 * 60_000; // a loaded hub checked 96 s after the workspace became idle
    assert.equal(await t.isIdle(key), true);
    assert.equal(pausedReason(await t.idleLimit(key)), 'paused after 1 min idle');
    t.useCourseIdleTime(async () => undefined);
    assert.equal(pausedReason(await t.idleLimit(key)), 'paused after 10 min idle');
  });

  it('is never idle while a run is in progress, and idle again one idle time after it ended', async () => {
    const t = tracker();
    const end = t.begin(key);
    clock += 10 * DEFAULT_IDLE_STOP_MS;
    assert.equal(await t.isIdle(key), false);
    end();
    end();
    assert.equal(t.runsInProgress(key), 0, 'ending twice ends once');
    clock += DEFAULT_IDLE_STOP_MS - 1;
    assert.equal(await t.isIdle(key), false);
    clock += 1;
    assert.equal(await t.isIdle(key), true);
  });

  it('makes a brief start idle soon, unless someone works meanwhile', async () => {
    const t = tracker();
    t.started(key, 60_000);
    clock += 60_000;
    assert.equal(await t.isIdle(key), true);
    t.record(key);
    clock += 60_000;
    assert.equal(await t.isIdle(key), false, 'a person works there now: the full idle time applies');
  });

  it('starts the clock of a workspace it never saw (found running after a restart)', async () => {
    const t = tracker();
    assert.equal(await t.isIdle(key), false);
    clock += DEFAULT_IDLE_STOP_MS;
    assert.equal(await t.isIdle(key), true);
    t.forget(key);
    assert.equal(t.idleFor(key), undefined);
  });
});
