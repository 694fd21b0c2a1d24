// The one grammar for sizes and durations in options, as a person writes them.

import { strict as assert } from 'node:assert';
import { formatBytes, parseDuration, parseSize } from '../src';

describe('sizes and durations', () => {
  it('reads bytes and binary units', () => {
    assert.equal(parseSize('1048576'), 1048576);
    assert.equal(parseSize('512B'), 512);
    assert.equal(parseSize('64KiB'), 65536);
    assert.equal(parseSize(' 2MiB '), 2 * 1024 * 1024);
    assert.equal(parseSize('2GiB'), 2 * 1024 ** 3);
  });

  it('refuses a size in any other form', () => {
    for (const bad of ['', '1MB', '1 MiB', '-1', '1.5MiB', 'KiB', '0x10', '99999999999999GiB']) assert.equal(parseSize(bad), undefined, bad);
  });

  it('reads durations in every unit and their sums', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('7d'), 7 * 86_400_000);
    assert.equal(parseDuration('2w'), 14 * 86_400_000);
    assert.equal(parseDuration('1d12h'), 36 * 3_600_000);
    assert.equal(parseDuration('1m30s'), 90_000);
  });

  it('counts bare digits in the unit the caller names, and refuses them otherwise', () => {
    assert.equal(parseDuration('30', 's'), 30_000);
    assert.equal(parseDuration('30', 'ms'), 30);
    assert.equal(parseDuration('30'), undefined);
  });

  it('refuses a duration in any other form', () => {
    for (const bad of ['', '-1s', '+1s', '1.5h', '1y', 's', '1 h', '1h-', '99999999999999w']) assert.equal(parseDuration(bad, 's'), undefined, bad);
  });

  it('writes a size back as a person reads it', () => {
    assert.equal(formatBytes(300), '300 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(64 * 1024 * 1024), '64 MiB');
    assert.equal(formatBytes(65 * 1024 * 1024), '65 MiB');
    assert.equal(formatBytes(1.5 * 1024 ** 3), '1.5 GiB');
  });
});
