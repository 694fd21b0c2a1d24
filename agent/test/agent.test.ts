import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import {
  DEFAULT_MAX_FRAME_BYTES,
  ErrorCode,
  FileStatRequest,
  HelloRequest,
  PingRequest,
  PROTOCOL_VERSION,
  ProtocolError,
  ProtocolErrorNotification,
} from '@classpod/protocol';
import { cleanup, client, defer, openConnection, startTestAgent, TOKEN, type TestAgent } from './helpers';

/** A response as it arrives on the wire (these tests only look at errors). */
interface RawResponse {
  id: unknown;
  error: { code: number; message: string };
}

/** Send one raw frame and resolve with the next response (a text frame with an `id`), parsed. */
function exchange(ws: WebSocket, frame: string | Buffer, binary = false): Promise<RawResponse> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer, isBinary: boolean): void => {
      if (isBinary) return;
      const message = JSON.parse(data.toString()) as RawResponse;
      if (!('id' in message)) return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
    ws.send(frame, { binary });
  });
}

/** The HTTP status an upgrade attempt gets. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    defer(() => ws.terminate());
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => reject(new Error('the connection was accepted')));
    ws.on('error', () => undefined);
  });
}

describe('agent', () => {
  let t: TestAgent;
  beforeEach(async () => {
    t = await startTestAgent();
  });
  afterEach(cleanup);

  describe('handshake', () => {
    it('answers with its version, capabilities and a session id', async () => {
      const { endpoint } = await openConnection(t.agent.connectUrl);
      const hello = await endpoint.hello({ capabilities: ['terminals'], client });
      assert.equal(hello.protocolVersion, PROTOCOL_VERSION);
      assert.equal(hello.server.name, 'classpod-agent');
      assert.ok(hello.capabilities.includes('files') && hello.capabilities.includes('terminals'));
      assert.match(hello.sessionId, /^[0-9a-f-]{36}$/);
      assert.equal(hello.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES);
    });

    it('refuses an incompatible protocol version, naming both versions, and closes', async () => {
      const { ws, endpoint } = await openConnection(t.agent.connectUrl);
      const closed = once(ws, 'close');
      await assert.rejects(
        endpoint.request(HelloRequest.type, { protocolVersion: '99.0', capabilities: [], client }),
        (e: ProtocolError) => ProtocolError.is(e, 'VersionMismatch') && e.message.includes('99.0') && e.message.includes(PROTOCOL_VERSION),
      );
      const [code] = await closed;
      assert.equal(code, 4000);
    });

    it('answers requests before the handshake with HandshakeRequired', async () => {
      const { endpoint } = await openConnection(t.agent.connectUrl);
      await assert.rejects(endpoint.request(FileStatRequest.type, { path: '' }), (e: ProtocolError) => ProtocolError.is(e, 'HandshakeRequired'));
    });
  });

  describe('authentication', () => {
    it('refuses a wrong token, a missing token and a malformed header with 401', async () => {
      assert.equal(await upgradeStatus(t.agent.connectUrl, { authorization: 'Bearer wrong-token-0123456789' }), 401);
      assert.equal(await upgradeStatus(t.agent.connectUrl, { authorization: `Bearer ${TOKEN}x` }), 401);
      assert.equal(await upgradeStatus(t.agent.connectUrl, { authorization: `Bearer ${TOKEN.slice(0, -1)}` }), 401);
      assert.equal(await upgradeStatus(t.agent.connectUrl, {}), 401);
      assert.equal(await upgradeStatus(t.agent.connectUrl, { authorization: `Basic ${TOKEN}` }), 401);
    });

    it('serves the WebSocket only at /v1/connect', async () => {
      assert.equal(await upgradeStatus(t.agent.url.replace('http', 'ws') + '/other', { authorization: `Bearer ${TOKEN}` }), 404);
    });
  });

  describe('HTTP endpoints', () => {
    it('serves /healthz, /readyz and /metrics with connections, terminals, bytes and request latency', async () => {
      assert.equal((await fetch(`${t.agent.url}/healthz`)).status, 200);
      assert.equal((await fetch(`${t.agent.url}/readyz`)).status, 200);
      const c = await t.connect();
      await c.endpoint.request(FileStatRequest.type, { path: '' });
      const res = await fetch(`${t.agent.url}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      assert.match(text, /^classpod_agent_connections 1$/m);
      assert.match(text, /^classpod_agent_terminals 0$/m);
      const bytesIn = Number(/^classpod_agent_received_bytes_total (\d+)$/m.exec(text)?.[1]);
      const bytesOut = Number(/^classpod_agent_sent_bytes_total (\d+)$/m.exec(text)?.[1]);
      assert.ok(bytesIn > 0 && bytesOut > 0, `bytes in ${bytesIn}, out ${bytesOut}`);
      assert.match(text, /^classpod_agent_request_duration_seconds_count\{method="files\/stat"\} 1$/m);
      for (const name of ['process_resident_memory_bytes', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds']) assert.match(text, new RegExp(`^${name} [0-9.e+-]+$`, 'm'), `${name} is served`);
    });

    it('stops serving once closed', async () => {
      const url = t.agent.url;
      await t.agent.close();
      await assert.rejects(fetch(`${url}/readyz`));
    });
  });

  describe('malformed frames', () => {
    it('answers each with an error and keeps serving this and other connections', async () => {
      const bystander = await t.connect();
      const { ws, endpoint } = await openConnection(t.agent.connectUrl);
      await endpoint.hello({ capabilities: [], client });
      const protocolErrors: number[] = [];
      endpoint.onNotification(ProtocolErrorNotification.type, (p) => protocolErrors.push(p.code));

      assert.equal((await exchange(ws, '{not json')).error.code, ErrorCode.ParseError);
      assert.equal((await exchange(ws, '[1,2]')).error.code, ErrorCode.InvalidRequest);
      assert.equal((await exchange(ws, '"just a string"')).error.code, ErrorCode.InvalidRequest);
      assert.equal((await exchange(ws, JSON.stringify({ jsonrpc: '1.0', id: 7, method: 'files/stat' }))).error.code, ErrorCode.InvalidRequest);
      const badMethod = await exchange(ws, JSON.stringify({ jsonrpc: '2.0', id: 8, method: 42 }));
      assert.equal(badMethod.error.code, ErrorCode.InvalidRequest);
      assert.equal(badMethod.id, 8);
      const unknown = await exchange(ws, JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'files/teleport', params: {} }));
      assert.equal(unknown.error.code, ErrorCode.MethodNotFound);
      assert.match(unknown.error.message, /files\/teleport/);
      const badParams = await exchange(ws, JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'files/stat', params: { path: 5 } }));
      assert.equal(badParams.error.code, ErrorCode.InvalidParams);
      assert.match(badParams.error.message, /\/path/);

      // Random bytes as binary frames: reported, never fatal.
      for (let i = 0; i < 20; i++) ws.send(Buffer.from(Array.from({ length: 1 + ((i * 37) % 200) }, (_, j) => (i * 31 + j * 7) & 0xff)), { binary: true });
      // Random (valid UTF-8) text frames: answered with parse errors.
      for (const text of ['\u0000\u0001{{', 'é☃\ud83d\ude00}', 'null', '{"jsonrpc":"2.0","id":1', String.fromCharCode(...Array.from({ length: 64 }, (_, i) => 32 + ((i * 53) % 90)))]) {
        const garbage = await exchange(ws, text);
        assert.ok(([ErrorCode.ParseError, ErrorCode.InvalidRequest] as number[]).includes(garbage.error.code), `${JSON.stringify(text)} → ${garbage.error.code}`);
      }

      // A frame over the limit is answered with TooLarge.
      const big = await exchange(ws, JSON.stringify({ jsonrpc: '2.0', id: 11, method: 'session/ping', params: { payload: 'x'.repeat(DEFAULT_MAX_FRAME_BYTES) } }));
      assert.equal(big.error.code, ErrorCode.TooLarge);

      // Still serving this connection, and the other one.
      assert.equal((await endpoint.request(PingRequest.type, { payload: 'still here' })).payload, 'still here');
      assert.ok(protocolErrors.length >= 20, `every bad binary frame was reported (${protocolErrors.length})`);
      assert.equal((await bystander.endpoint.request(PingRequest.type, { payload: 'me too' })).payload, 'me too');
    });

    it('drops a connection that sends a frame far over the limit, and only that one', async () => {
      const bystander = await t.connect();
      const { ws } = await openConnection(t.agent.connectUrl);
      const closed = once(ws, 'close');
      ws.send(Buffer.alloc(DEFAULT_MAX_FRAME_BYTES * 2 + 1), { binary: true });
      const [code] = await closed;
      assert.equal(code, 1009, 'closed with "message too big"');
      assert.equal((await bystander.endpoint.request(PingRequest.type, { payload: 'alive' })).payload, 'alive');
      assert.equal((await fetch(`${t.agent.url}/healthz`)).status, 200);
    });
  });

  it('drops a connection that stops answering pings', async () => {
    const fast = await startTestAgent({ pingIntervalMs: 50 });
    const { ws } = await openConnection(fast.agent.connectUrl);
    // Stop the client's automatic pong by pausing its socket.
    const closed = once(ws, 'close');
    (ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
    let connections = 1;
    while (connections > 0) {
      const text = await (await fetch(`${fast.agent.url}/metrics`)).text();
      connections = Number(/^classpod_agent_connections (\d+)$/m.exec(text)?.[1]);
      if (connections > 0) await new Promise((r) => setTimeout(r, 20));
    }
    (ws as unknown as { _socket: import('node:net').Socket })._socket.resume();
    await closed;
  });
});
