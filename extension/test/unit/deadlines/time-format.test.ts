import * as assert from 'node:assert/strict';
import { formatAbsolute, formatCountdown, formatElapsed, formatRelative, formatShort, relativeTextChangesAt } from '../../../src/deadlines/time-format';

const now = new Date('2026-11-24T12:00:00Z');
const at = (ms: number): Date => new Date(now.getTime() + ms);
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('time format', function () {
  it('reads due times relative to now', function () {
    assert.equal(formatRelative(at(30_000), now), 'in less than a minute');
    assert.equal(formatRelative(at(9 * MIN + 5000), now), 'in 9 minutes');
    assert.equal(formatRelative(at(HOUR), now), 'in 1 hour');
    assert.equal(formatRelative(at(3 * HOUR + 20 * MIN), now), 'in 3 hours 20 minutes');
    assert.equal(formatRelative(at(30 * HOUR), now), 'in 30 hours');
    assert.equal(formatRelative(at(3 * 24 * HOUR + HOUR), now), 'in 3 days');
    assert.equal(formatRelative(at(-5 * HOUR), now), '5 hours ago');
  });

  it("reads a workspace's uptime without an \"ago\" and with words for its first minute", function () {
    assert.equal(formatElapsed(at(-20_000), now), 'less than a minute');
    assert.equal(formatElapsed(at(-11 * MIN - 5000), now), '11 minutes');
    assert.equal(formatElapsed(at(-(2 * HOUR + 5 * MIN)), now), '2 hours 5 minutes');
    assert.equal(formatElapsed(at(5000), now), 'less than a minute', 'a start a moment ahead of this clock is not negative');
  });

  it('says when the relative words next change, and they do change then and not a moment before', function () {
    const cases: Date[] = [at(-20_000), at(-11 * MIN - 5000), at(-(3 * HOUR + 59 * MIN + 59_000)), at(-30 * HOUR - 7 * MIN), at(30_000), at(9 * MIN + 5000), at(3 * HOUR + 20 * MIN), at(30 * HOUR + 1), at(3 * 24 * HOUR + HOUR)];
    for (const target of cases) {
      const change = relativeTextChangesAt(target, now);
      assert.ok(change.getTime() > now.getTime(), `${target.toISOString()}: the change lies ahead`);
      const before = new Date(change.getTime() - 1);
      assert.equal(formatRelative(target, before), formatRelative(target, now), `${target.toISOString()}: same words until ${change.toISOString()}`);
      assert.notEqual(formatRelative(target, change), formatRelative(target, now), `${target.toISOString()}: new words at ${change.toISOString()}`);
    }
    assert.equal(relativeTextChangesAt(at(-11 * MIN - 5000), now).getTime(), now.getTime() + 55_000, "\"11 minutes\" becomes \"12 minutes\" 55 s later");
  });

  it('shortens a due time to day, month and time in the given time zone, where the day can differ from UTC', function () {
    assert.equal(formatShort(new Date('2026-12-08T22:59:00Z'), 'Europe/Paris'), '8 Dec, 23:59');
    assert.equal(formatShort(new Date('2026-12-08T23:30:00Z'), 'Europe/Paris'), '9 Dec, 00:30');
  });

  it('shows the absolute time in the given time zone, naming it', function () {
    assert.equal(formatAbsolute(new Date('2026-11-28T22:59:00Z'), 'Europe/Paris'), 'Sat, 28 Nov 2026, 23:59 (Europe/Paris)');
    assert.equal(formatAbsolute(new Date('2026-11-28T22:59:00Z'), 'America/New_York'), 'Sat, 28 Nov 2026, 17:59 (America/New_York)');
  });

  it('counts down in days, then hours, minutes and seconds', function () {
    assert.equal(formatCountdown(2 * 24 * HOUR + 4 * HOUR + 5 * MIN + 9000), '2d 04:05');
    assert.equal(formatCountdown(4 * HOUR + 5 * MIN + 9000), '04:05:09');
    assert.equal(formatCountdown(999), '00:00:00');
    assert.equal(formatCountdown(0), 'overdue');
  });
});
