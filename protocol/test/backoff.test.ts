// The delay schedule every retry loop follows: doubling, capped, reset by a success.

import { strict as assert } from 'node:assert';
import { Backoff } from '../src';

describe('Backoff', () => {
  it('doubles from the first delay up to the longest, then stays there', () => {
    const b = new Backoff({ initialMs: 250, maxMs: 3000 });
    assert.deepEqual(Array.from({ length: 7 }, () => b.next()), [250, 500, 1000, 2000, 3000, 3000, 3000]);
  });

  it('starts over from the first delay after a success', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 10_000 });
    b.next();
    b.next();
    b.reset();
    assert.deepEqual([b.next(), b.next()], [100, 200]);
  });

  it('refuses a schedule that cannot grow or never waits', () => {
    assert.throws(() => new Backoff({ initialMs: 0, maxMs: 10 }), /0 < initialMs <= maxMs/);
    assert.throws(() => new Backoff({ initialMs: 100, maxMs: 10 }), /0 < initialMs <= maxMs/);
  });
});
