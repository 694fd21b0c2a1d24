import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Scrollback } from '../../src/terminals/scrollback';

describe('scrollback', () => {
  it('returns exactly the bytes from an offset, for any sequence of writes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 30 }),
        fc.nat({ max: 4000 }),
        (capacity, writes, from) => {
          const s = new Scrollback(capacity);
          const all = Buffer.concat(writes.map((w) => Buffer.from(w)));
          for (const w of writes) s.append(w);
          assert.equal(s.end, all.length);
          assert.equal(s.start, Math.max(0, all.length - capacity));
          const { offset, data } = s.readFrom(from);
          assert.equal(offset, Math.min(Math.max(from, s.start), s.end));
          assert.deepEqual(data, all.subarray(offset));
        },
      ),
    );
  });

  it('never holds more than its capacity', () => {
    const s = new Scrollback(1024);
    for (let i = 0; i < 1000; i++) s.append(Buffer.alloc(700, i));
    assert.equal(s.end, 700_000);
    assert.equal(s.readFrom(0).data.length, 1024);
    assert.equal(s.readFrom(0).offset, 700_000 - 1024);
  });
});
