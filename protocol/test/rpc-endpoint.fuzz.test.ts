import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  encodeBinaryFrame,
  FileReadRequest,
  HelloRequest,
  PingRequest,
  PROTOCOL_VERSION,
  RpcEndpoint,
  SOCKET_OPEN,
  type SocketLike,
} from '../src';

/** A socket that records what the endpoint sends and lets the test deliver any frame. */
class FakeSocket implements SocketLike {
  readyState = SOCKET_OPEN;
  readonly sent: Array<string | Uint8Array> = [];
  private readonly listeners = new Map<string, Array<(...a: never[]) => void>>();
  send(data: string | Uint8Array, cb?: (err?: Error) => void): void {
    this.sent.push(data);
    cb?.();
  }
  close(): void {
    this.readyState = 3;
    this.emit('close', 1000, 'closed');
  }
  on(event: string, listener: (...args: never[]) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(...args);
  }
  /** Text frames the endpoint sent, parsed. */
  replies(): Array<Record<string, unknown>> {
    return this.sent.filter((s): s is string => typeof s === 'string').map((s) => JSON.parse(s) as Record<string, unknown>);
  }
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

const text = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.json({ maxDepth: 3 }),
  fc
    .record(
      {
        jsonrpc: fc.constantFrom<unknown>('2.0', '2.0', '1.0', null),
        id: fc.oneof(fc.nat(), fc.string({ maxLength: 8 }), fc.constant(null), fc.object({ maxDepth: 1 })),
        method: fc.oneof(fc.constantFrom(HelloRequest.method, PingRequest.method, FileReadRequest.method, 'session/protocolError', 'stream/closed'), fc.string({ maxLength: 12 })),
        params: fc.jsonValue({ maxDepth: 3 }),
        result: fc.jsonValue({ maxDepth: 2 }),
        error: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    )
    .map((m) => JSON.stringify(m)),
);
const binary = fc.oneof(
  fc.uint8Array({ maxLength: 60 }),
  fc
    .record({
      kind: fc.integer({ min: 1, max: 4 }),
      streamId: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(0xffffffff)),
      seq: fc.oneof(fc.nat({ max: 3 }), fc.constant(0xffffffff)),
      payload: fc.uint8Array({ maxLength: 60 }),
    })
    .map((f) => encodeBinaryFrame(f as Parameters<typeof encodeBinaryFrame>[0])),
);
const frames = fc.array(
  fc.oneof(
    text.map((t) => ({ data: Buffer.from(t) as Uint8Array, isBinary: false })),
    binary.map((b) => ({ data: b, isBinary: true })),
  ),
  { maxLength: 12 },
);

describe('RpcEndpoint fed arbitrary frames', () => {
  for (const role of ['server', 'client'] as const) {
    it(`never throws out of its message handler (${role}), and still answers a ping after`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.boolean(), frames, async (handshakeFirst, sequence) => {
          const socket = new FakeSocket();
          const endpoint = new RpcEndpoint(socket, { role });
          endpoint.handle(PingRequest.type, (p) => ({ ...(p.payload === undefined ? {} : { payload: p.payload }), serverTime: 'now' }));
          const hello = { protocolVersion: PROTOCOL_VERSION, capabilities: [], client: { name: 'fuzz', version: '0' } };
          if (handshakeFirst) socket.emit('message', Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 'h', method: HelloRequest.method, params: hello })), false);
          for (const f of sequence) {
            // A throw here would reach the socket's data event, which ends a server process.
            assert.doesNotThrow(() => socket.emit('message', f.data, f.isBinary));
          }
          await settle();
          if (role === 'server' && !endpoint.session) {
            socket.emit('message', Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 'h2', method: HelloRequest.method, params: hello })), false);
            await settle();
          }
          socket.emit('message', Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 'last', method: PingRequest.method, params: { payload: 'p' } })), false);
          await settle();
          const last = socket.replies().filter((r) => r.id === 'last');
          assert.equal(last.length, 1, 'exactly one answer to the last ping');
          assert.deepEqual((last[0]!.result as { payload?: string } | undefined)?.payload, 'p', JSON.stringify(last[0]));
          endpoint.close();
        }),
        { numRuns: 300 },
      );
    });
  }
});
