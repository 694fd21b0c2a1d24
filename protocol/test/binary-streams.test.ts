import assert from 'node:assert/strict';
import { defineRequest, Type, type BinaryStream } from '../src';
import { startLoopback, type Loopback } from './loopback';

const OpenFlood = defineRequest({
  method: 'test/openFlood',
  direction: 'clientToServer',
  description: 'test only: the server opens a stream and writes `bytes` bytes to it',
  params: Type.Object({ bytes: Type.Integer() }),
  result: Type.Object({ streamId: Type.Integer() }),
});

const client = { name: 'test', version: '0' };

describe('binary streams with credit-based flow control', () => {
  let loop: Loopback;
  afterEach(() => loop.close());

  it('delivers every byte of a large stream in order', async () => {
    loop = await startLoopback((e) =>
      e.handle(OpenFlood, (p, ctx) => {
        const id = ctx.endpoint.allocateStreamId();
        const stream = ctx.endpoint.openStream(id);
        const data = new Uint8Array(p.bytes).map((_, i) => i % 251);
        setImmediate(() => {
          stream.write(data);
          stream.end('done');
        });
        return { streamId: id };
      }),
    );
    const { endpoint } = await loop.connect();
    await endpoint.hello({ capabilities: [], client });
    const { streamId } = await endpoint.request(OpenFlood, { bytes: 3_000_000 });
    const stream = endpoint.openStream(streamId);
    const chunks: Uint8Array[] = [];
    const reason = await new Promise<string | undefined>((resolve) => {
      stream.onData((c) => chunks.push(c));
      stream.onEnd(resolve);
    });
    assert.equal(reason, 'done');
    const all = Buffer.concat(chunks);
    assert.equal(all.length, 3_000_000);
    for (let i = 0; i < all.length; i += 4099) assert.equal(all[i], i % 251);
  });

  it('never lets a sender have more than the window in flight while the reader is stalled', async () => {
    let serverStream: BinaryStream | undefined;
    loop = await startLoopback(
      (e) =>
        e.handle(OpenFlood, (p, ctx) => {
          const id = ctx.endpoint.allocateStreamId();
          serverStream = ctx.endpoint.openStream(id);
          serverStream.write(new Uint8Array(p.bytes));
          return { streamId: id };
        }),
      { streamWindowBytes: 64 * 1024 },
    );
    // The client grants 64 KiB; it does not read (no onData listener), so no more credit is granted.
    const { endpoint } = await loop.connect({ streamWindowBytes: 64 * 1024 });
    await endpoint.hello({ capabilities: [], client });
    const { streamId } = await endpoint.request(OpenFlood, { bytes: 1_000_000 });
    endpoint.openStream(streamId);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(serverStream);
    assert.equal(serverStream.pendingBytes, 1_000_000 - 64 * 1024, 'exactly one window left the sender');
  });

  it('keeps a small stream flowing while another floods', async () => {
    loop = await startLoopback((e) =>
      e.handle(OpenFlood, (p, ctx) => {
        const id = ctx.endpoint.allocateStreamId();
        const s = ctx.endpoint.openStream(id);
        s.write(new Uint8Array(p.bytes).fill(p.bytes > 100 ? 1 : 2));
        s.end();
        return { streamId: id };
      }),
    );
    const { endpoint } = await loop.connect();
    await endpoint.hello({ capabilities: [], client });
    const flood = await endpoint.request(OpenFlood, { bytes: 8_000_000 });
    const small = await endpoint.request(OpenFlood, { bytes: 10 });
    let floodBytesWhenSmallEnded = -1;
    let floodBytes = 0;
    const floodStream = endpoint.openStream(flood.streamId);
    const smallStream = endpoint.openStream(small.streamId);
    const floodDone = new Promise((r) => floodStream.onEnd(r));
    floodStream.onData((c) => (floodBytes += c.byteLength));
    smallStream.onData(() => undefined);
    await new Promise((r) =>
      smallStream.onEnd(() => {
        floodBytesWhenSmallEnded = floodBytes;
        r(undefined);
      }),
    );
    await floodDone;
    assert.equal(floodBytes, 8_000_000);
    assert.ok(floodBytesWhenSmallEnded < 8_000_000, 'the small stream finished before the flood did');
  });
});
