import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import {
  defineRequest,
  ErrorCode,
  HelloRequest,
  PingRequest,
  PROTOCOL_VERSION,
  ProtocolError,
  Type,
  encodeBinaryFrame,
  FrameKind,
} from '../src';
import { rawExchange, startLoopback, type Loopback } from './loopback';

const EchoRequest = defineRequest({
  method: 'test/echo',
  direction: 'clientToServer',
  description: 'test only',
  params: Type.Object({ text: Type.String({ maxLength: 10 }) }),
  result: Type.Object({ text: Type.String() }),
});
const FailRequest = defineRequest({
  method: 'test/fail',
  direction: 'clientToServer',
  description: 'test only',
  params: Type.Object({}),
  result: Type.Object({}),
});

const client = { name: 'test', version: '0' };

describe('RpcEndpoint over a real WebSocket', () => {
  let loop: Loopback;
  beforeEach(async () => {
    loop = await startLoopback((endpoint) => {
      endpoint.handle(EchoRequest, (p) => ({ text: p.text.toUpperCase() }));
      endpoint.handle(PingRequest.type, (p) => ({ payload: p.payload, serverTime: new Date().toISOString() }));
      endpoint.handle(FailRequest, () => {
        throw new Error('secret internal detail');
      });
    });
  });
  afterEach(() => loop.close());

  it('completes the handshake with a session id and the server version', async () => {
    const { endpoint } = await loop.connect();
    const hello = await endpoint.hello({ capabilities: ['files'], client });
    assert.equal(hello.protocolVersion, PROTOCOL_VERSION);
    assert.match(hello.sessionId, /^[0-9a-f]{32}$/);
    assert.deepEqual(await endpoint.request(EchoRequest, { text: 'hi' }), { text: 'HI' });
  });

  it('refuses an incompatible version with an error naming both versions, then closes', async () => {
    const { ws, endpoint } = await loop.connect();
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await assert.rejects(
      endpoint.request(HelloRequest.type, { protocolVersion: '9.0', capabilities: [], client }),
      (err: ProtocolError) => {
        assert.equal(err.code, ErrorCode.VersionMismatch);
        assert.match(err.message, /9\.0/);
        assert.match(err.message, new RegExp(PROTOCOL_VERSION.replace('.', '\\.')));
        return true;
      },
    );
    assert.equal(await closed, 4000);
  });

  it('requires the handshake before any other request', async () => {
    const { endpoint } = await loop.connect();
    await assert.rejects(endpoint.request(EchoRequest, { text: 'x' }), (err: ProtocolError) => err.code === ErrorCode.HandshakeRequired);
  });

  it('answers invalid params with InvalidParams naming the field', async () => {
    const { endpoint } = await loop.connect();
    await endpoint.hello({ capabilities: [], client });
    await assert.rejects(
      endpoint.request(EchoRequest, { text: 'far too long for the limit' }),
      (err: ProtocolError) => err.code === ErrorCode.InvalidParams && /\/text/.test(err.message),
    );
  });

  it('hides internal failures behind Internal and keeps serving', async () => {
    const { endpoint } = await loop.connect();
    await endpoint.hello({ capabilities: [], client });
    await assert.rejects(endpoint.request(FailRequest, {}), (err: ProtocolError) => {
      assert.equal(err.code, ErrorCode.Internal);
      assert.doesNotMatch(err.message, /secret/);
      return true;
    });
    assert.deepEqual(await endpoint.request(EchoRequest, { text: 'ok' }), { text: 'OK' });
  });

  it('answers malformed frames with coded errors and stays up for other clients', async () => {
    const { ws, endpoint } = await loop.connect();
    await endpoint.hello({ capabilities: [], client });
    const parse = await rawExchange(ws, '{not json');
    assert.equal((parse.error as { code: number }).code, ErrorCode.ParseError);
    const shape = await rawExchange(ws, JSON.stringify({ jsonrpc: '2.0', id: 7, method: 42 }));
    assert.equal((shape.error as { code: number }).code, ErrorCode.InvalidRequest);
    assert.equal(shape.id, 7);
    const batch = await rawExchange(ws, '[]');
    assert.equal((batch.error as { code: number }).code, ErrorCode.InvalidRequest);
    const unknown = await rawExchange(ws, JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'no/such' }));
    assert.equal((unknown.error as { code: number }).code, ErrorCode.MethodNotFound);
    const junk = await rawExchange(ws, Buffer.from([0xde, 0xad, 0xbe]), true);
    assert.equal(junk.method, 'session/protocolError');

    const other = await loop.connect();
    await other.endpoint.hello({ capabilities: [], client });
    assert.deepEqual(await other.endpoint.request(EchoRequest, { text: 'b' }), { text: 'B' });
    assert.deepEqual(await endpoint.request(EchoRequest, { text: 'a' }), { text: 'A' });
  });

  it('refuses a frame over the size limit with TooLarge', async () => {
    await loop.close();
    loop = await startLoopback((e) => e.handle(EchoRequest, (p) => p), { maxFrameBytes: 1024 });
    const { ws, endpoint } = await loop.connect();
    await endpoint.hello({ capabilities: [], client });
    const reply = await rawExchange(ws, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'test/echo', params: { text: 'x'.repeat(5000) } }));
    assert.equal((reply.error as { code: number }).code, ErrorCode.TooLarge);
    assert.deepEqual(await endpoint.request(EchoRequest, { text: 'still' }), { text: 'still' });
  });

  it('fails pending requests when the connection drops', async () => {
    await loop.close();
    loop = await startLoopback((e) => e.handle(EchoRequest, () => new Promise(() => undefined)));
    const { ws, endpoint } = await loop.connect();
    await endpoint.hello({ capabilities: [], client });
    const pending = endpoint.request(EchoRequest, { text: 'x' });
    ws.terminate();
    await assert.rejects(pending, (err: ProtocolError) => err.code === ErrorCode.Unavailable);
  });

  it('reports a binary frame for a stream that is not open', async () => {
    const { ws, endpoint } = await loop.connect();
    await endpoint.hello({ capabilities: [], client });
    const frame = Buffer.from(encodeBinaryFrame({ kind: FrameKind.Data, streamId: 98, seq: 0, payload: new Uint8Array([1]) }));
    const note = await rawExchange(ws, frame, true);
    assert.equal(note.method, 'session/protocolError');
    assert.match(String((note.params as { message: string }).message), /stream 98/);
    void WebSocket;
  });
});
