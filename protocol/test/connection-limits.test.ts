import assert from 'node:assert/strict';
import {
  defineRequest,
  HelloRequest,
  PROTOCOL_VERSION,
  ProtocolError,
  Type,
  type BinaryStream,
  type RpcEndpoint,
} from '../src';
import { startLoopback, type Loopback } from './loopback';

const client = { name: 'test', version: '0' };
const MiB = 1024 * 1024;

const OpenStream = defineRequest({
  method: 'test/limits/openStream',
  direction: 'clientToServer',
  description: 'test only: the server opens a stream and queues `bytes` bytes on it',
  params: Type.Object({ bytes: Type.Integer() }),
  result: Type.Object({ streamId: Type.Integer() }),
});
const Reserve = defineRequest({
  method: 'test/limits/reserve',
  direction: 'clientToServer',
  description: 'test only: reserve `bytes`, in pieces, then wait for `hold` ms',
  params: Type.Object({ pieces: Type.Array(Type.Integer()), hold: Type.Integer() }),
  result: Type.Object({ reserved: Type.Integer() }),
});

const limitOf = (err: unknown): string | undefined => (ProtocolError.is(err) ? (err.data as { limit?: string }).limit : undefined);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('per-connection limits of RpcEndpoint', () => {
  let loop: Loopback;
  const serverStreams: BinaryStream[] = [];
  let readBeforeRefusal: number[] = [];

  const start = async (options: Parameters<typeof startLoopback>[1]): Promise<RpcEndpoint> => {
    loop = await startLoopback((e) => {
      e.handle(OpenStream, (p, ctx) => {
        const s = ctx.endpoint.openStream(ctx.endpoint.allocateStreamId());
        serverStreams.push(s);
        if (p.bytes > 0) s.write(new Uint8Array(p.bytes));
        return { streamId: s.id };
      });
      e.handle(Reserve, async (p, ctx) => {
        let reserved = 0;
        for (const n of p.pieces) {
          try {
            ctx.reserve(n, `${n} test bytes`);
          } catch (err) {
            readBeforeRefusal.push(reserved);
            throw err;
          }
          reserved += n;
        }
        await sleep(p.hold);
        return { reserved };
      });
    }, options);
    const { endpoint } = await loop.connect(options);
    await endpoint.hello({ capabilities: [], client });
    return endpoint;
  };
  afterEach(async () => {
    serverStreams.length = 0;
    readBeforeRefusal = [];
    await loop.close();
  });

  it('refuses a stream past maxOpenStreams with TooLarge naming the limit, and opens one again once another ended', async () => {
    const endpoint = await start({ maxOpenStreams: 3 });
    for (let i = 0; i < 3; i++) await endpoint.request(OpenStream, { bytes: 0 });
    await assert.rejects(endpoint.request(OpenStream, { bytes: 0 }), (err: unknown) => {
      assert.ok(ProtocolError.is(err, 'TooLarge'), String(err));
      assert.equal(limitOf(err), 'maxOpenStreams');
      assert.match((err as Error).message, /3 open streams/);
      return true;
    });
    const ended = new Promise<void>((resolve) => endpoint.openStream(serverStreams[0]!.id).onEnd(() => resolve()));
    serverStreams[0]!.end('done');
    await ended;
    // The end frame reached the client; the server dropped the stream once it sent it.
    assert.ok((await endpoint.request(OpenStream, { bytes: 0 })).streamId > 0);
  });

  it('refuses a request that would read more than maxRequestBytes before it reads anything', async () => {
    const endpoint = await start({ maxRequestBytes: 2 * MiB, maxBufferedBytes: 8 * MiB });
    assert.deepEqual(await endpoint.request(Reserve, { pieces: [MiB, MiB], hold: 0 }), { reserved: 2 * MiB });
    await assert.rejects(endpoint.request(Reserve, { pieces: [MiB, MiB, 1], hold: 0 }), (err: unknown) => {
      assert.ok(ProtocolError.is(err, 'TooLarge'), String(err));
      assert.equal(limitOf(err), 'maxRequestBytes');
      assert.match((err as Error).message, /1 test bytes .* one request may read/);
      return true;
    });
    assert.deepEqual(readBeforeRefusal, [2 * MiB], 'the refusal came at the reservation, before the third piece was read');
  });

  it('counts what requests in progress reserved and what streams hold unread against maxBufferedBytes, and gives it back', async () => {
    const endpoint = await start({ maxRequestBytes: 4 * MiB, maxBufferedBytes: 6 * MiB });
    // Requests are read in order and reserve before their first await: the second sees the first's 4 MiB.
    const holding = endpoint.request(Reserve, { pieces: [4 * MiB], hold: 300 });
    await assert.rejects(endpoint.request(Reserve, { pieces: [3 * MiB], hold: 0 }), (err: unknown) => limitOf(err) === 'maxBufferedBytes');
    await holding;
    // Answered: its 4 MiB are free again.
    assert.deepEqual(await endpoint.request(Reserve, { pieces: [3 * MiB], hold: 0 }), { reserved: 3 * MiB });

    // 5 MiB queued on a stream nobody reads count too.
    await endpoint.request(OpenStream, { bytes: 5 * MiB });
    await assert.rejects(endpoint.request(Reserve, { pieces: [2 * MiB], hold: 0 }), (err: unknown) => {
      assert.equal(limitOf(err), 'maxBufferedBytes');
      assert.match((err as Error).message, /already holds .* MiB the client has not taken yet/);
      return true;
    });
    assert.ok(loop.serverEndpoints[0]!.bufferedBytes >= 4 * MiB);
  });

  it('lets a writer wait with drained() until the reader gives credit, or the stream ends', async () => {
    const endpoint = await start({ streamWindowBytes: 64 * 1024 });
    const { streamId } = await endpoint.request(OpenStream, { bytes: 0 });
    const server = serverStreams[0]!;
    server.write(new Uint8Array(300 * 1024));
    let drained = false;
    const waiting = server.drained(64 * 1024).then(() => (drained = true));
    await sleep(100);
    assert.equal(drained, false, 'nobody read: the writer still waits');
    const received: number[] = [];
    endpoint.openStream(streamId).onData((c) => received.push(c.byteLength));
    await waiting;
    assert.ok(server.pendingBytes <= 64 * 1024);

    server.write(new Uint8Array(10 * MiB));
    const second = server.drained(0);
    loop.serverEndpoints[0]!.close();
    await second;
  });

  it('refuses requests past maxConcurrentRequests with RateLimited and keeps serving', async () => {
    const endpoint = await start({ maxConcurrentRequests: 3 });
    const answers = await Promise.allSettled(Array.from({ length: 5 }, () => endpoint.request(Reserve, { pieces: [], hold: 200 })));
    const refused = answers.filter((a) => a.status === 'rejected').map((a) => (a as PromiseRejectedResult).reason as unknown);
    assert.equal(refused.length, 2);
    for (const r of refused) {
      assert.ok(ProtocolError.is(r, 'RateLimited'), String(r));
      assert.equal(limitOf(r), 'maxConcurrentRequests');
    }
    assert.deepEqual(await endpoint.request(Reserve, { pieces: [], hold: 0 }), { reserved: 0 });
  });

  it('accepts one of two handshakes sent together, and refuses the other with InvalidRequest', async () => {
    loop = await startLoopback(() => undefined, { onHello: async () => ({ sessionId: 's', capabilities: [], server: client }) });
    const { endpoint } = await loop.connect();
    const params = { protocolVersion: PROTOCOL_VERSION, capabilities: [], client };
    const both = await Promise.allSettled([endpoint.request(HelloRequest.type, params), endpoint.request(HelloRequest.type, params)]);
    assert.deepEqual(
      both.map((b) => b.status),
      ['fulfilled', 'rejected'],
    );
    assert.ok(ProtocolError.is((both[1] as PromiseRejectedResult).reason, 'InvalidRequest'));
  });
});
