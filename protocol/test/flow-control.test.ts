import assert from 'node:assert/strict';
import { StreamReceiveWindow, StreamSendWindow, decodeBinaryFrame, encodeBinaryFrame, FrameKind, ProtocolError } from '../src';

describe('flow-control windows', () => {
  it('sends no more than the credit and resumes when granted', () => {
    const w = new StreamSendWindow(10, 4);
    w.enqueue(new Uint8Array(25));
    const sizes: number[] = [];
    for (let c = w.takeChunk(); c; c = w.takeChunk()) sizes.push(c.payload.byteLength);
    assert.deepEqual(sizes, [4, 4, 2]);
    w.grant(100);
    const seqs: number[] = [];
    for (let c = w.takeChunk(); c; c = w.takeChunk()) seqs.push(c.seq);
    assert.deepEqual(seqs, [3, 4, 5, 6]);
    assert.equal(w.pendingBytes, 0);
  });

  it('drops duplicates and flags a sender that overspends or skips', () => {
    const r = new StreamReceiveWindow(8);
    assert.equal(r.accept(0, 4), 'ok');
    assert.equal(r.accept(0, 4), 'duplicate');
    assert.equal(r.accept(2, 1), 'overflow');
    assert.equal(r.accept(1, 5), 'overflow');
    assert.equal(r.consumed(4), 4);
  });
});

describe('binary frame codec', () => {
  it('round-trips a frame and rejects short or unknown ones', () => {
    const f = encodeBinaryFrame({ kind: FrameKind.Data, streamId: 7, seq: 3, payload: new Uint8Array([9, 8]) });
    const d = decodeBinaryFrame(f);
    assert.equal(d.streamId, 7);
    assert.equal(d.seq, 3);
    assert.deepEqual([...d.payload], [9, 8]);
    assert.throws(() => decodeBinaryFrame(new Uint8Array(3)), ProtocolError);
    const bad = new Uint8Array(f);
    bad[1] = 77;
    assert.throws(() => decodeBinaryFrame(bad), /kind 77/);
  });
});
