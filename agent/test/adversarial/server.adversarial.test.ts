// The agent's server from the attacker's side: raw HTTP requests and
// WebSocket upgrades over TCP (any method, target, header, percent-escape),
// garbage and truncated frames after an upgrade, malformed JSON-RPC and
// binary frames after the handshake, a second handshake. The agent runs as
// its own process; after every attack it must still be alive, answer
// /healthz, and serve a real client. Property-based (fast-check), in bounded
// runs. The floods that used to grow its memory without bound are in
// memory.adversarial.test.ts.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import {
  encodeBinaryFrame,
  HelloRequest,
  PingRequest,
  PROTOCOL_VERSION,
  ProtocolError,
  RpcEndpoint,
} from '@classpod/protocol';
import { clientFrame, isWellFormed, Opcode, sendRaw, upgradeHeaders, upgradeThenSend, type RawAnswer } from '@classpod/test-support';
import { cleanup, client, openConnection, tempDir, TOKEN } from '../helpers';
import { spawnAgent, type AgentProcess } from '../process';
import { attackCase } from './serving';

const portOf = (agent: AgentProcess): number => Number(new URL(agent.url).port);
const request = (lines: string[], body = ''): string => lines.join('\r\n') + '\r\n\r\n' + body;

// ---- generators ----

const methods = fc.oneof(
  fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT', 'PRI', 'get', 'G\tET', ''),
  fc.stringMatching(/^[A-Z]{1,12}$/),
);
const percentEscape = fc.oneof(
  fc.stringMatching(/^%[0-9A-Fa-f]{2}$/),
  fc.constantFrom('%', '%2', '%zz', '%E0%A4%A', '%E0%A4', '%C0%AF', '%00', '%FF', '%ED%A0%80', '%2F', '%2e%2e'),
);
const pathPiece = fc.oneof(
  fc.constantFrom('/', '//', 'v1', 'connect', 'healthz', 'metrics', 'workspaces', 'cs101--ada', '..', '.', '[', ']', '?', '#', '&', '=', '@', ':', ';', '+'),
  percentEscape,
  fc.stringMatching(/^[\x21-\x7e]{1,12}$/),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);
const targets = fc.oneof(
  fc.constantFrom(
    '/healthz',
    '/readyz',
    '/metrics',
    '/v1/connect',
    '//[',
    '//agent/v1/connect',
    '/v1/workspaces/cs101--%E0%A4%A/connect',
    '/v1/connect?%',
    '/v1/connect%3F',
    '/v1/../v1/connect',
    '*',
    'http://agent/v1/connect',
    'http://[/v1/connect',
    '/%',
    '/a%00b',
    '/' + 'a'.repeat(20_000),
  ),
  fc.array(pathPiece, { maxLength: 10 }).map((p) => '/' + p.join('')),
  fc.array(pathPiece, { maxLength: 10 }).map((p) => p.join('')),
);
const versions = fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/1.1 extra', 'HTCPCP/1.0', '');
const headerNames = fc.oneof(
  fc.constantFrom(
    'Host',
    'Upgrade',
    'Connection',
    'Sec-WebSocket-Key',
    'Sec-WebSocket-Version',
    'Sec-WebSocket-Extensions',
    'Sec-WebSocket-Protocol',
    'Authorization',
    'Content-Length',
    'Transfer-Encoding',
    'Expect',
    'Origin',
    'Cookie',
  ),
  fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/),
  fc.stringMatching(/^[\x21-\x7e]{1,10}$/),
);
const headerValues = fc.oneof(
  fc.constantFrom(
    'websocket',
    'Upgrade',
    'upgrade, keep-alive',
    '13',
    '8',
    'dGhlIHNhbXBsZSBub25jZQ==',
    `Bearer ${TOKEN}`,
    'Bearer',
    'Bearer  ',
    'Bearer %E0%A4%A',
    'Basic Zm9vOmJhcg==',
    'chunked',
    '-1',
    '99999999999999999999',
    '100-continue',
    'permessage-deflate; client_max_window_bits=99',
    'permessage-deflate; server_max_window_bits',
    'a,,b,,,',
    '%',
  ),
  fc.stringMatching(/^[\x20-\x7e]{0,60}$/),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
const headers = fc.array(fc.tuple(headerNames, headerValues), { maxLength: 10 }).map((hs) => hs.map(([n, v]) => `${n}: ${v}`));
const bodies = fc.oneof(fc.constant(''), fc.string({ maxLength: 200 }));

/** The lines of a WebSocket upgrade request for `target`, with `token` when there is one, without the final blank line. */
const upgradeLines = (target: string, token: string | undefined): string[] => [
  `GET ${target} HTTP/1.1`,
  ...upgradeHeaders('127.0.0.1').map(([name, value]) => `${name}: ${value}`),
  ...(token === undefined ? [] : [`Authorization: Bearer ${token}`]),
];
/** Send a raw request, half-close, and collect the answer until the agent closes (or a 101 is in); a hung connection rejects. */
const rawRequest = (port: number, text: string): Promise<RawAnswer> => sendRaw(port, text, { halfClose: true, until: 'close', onTimeout: 'reject', timeoutMs: 15_000 });

describe('the agent server from the attacker’s side (real agent process)', function () {
  this.timeout(180_000);
  let agent: AgentProcess;

  beforeEach(async () => {
    const root = path.join(tempDir('classpod-server-attack-'), 'workspace');
    mkdirSync(path.join(root, 'hw'), { recursive: true });
    writeFileSync(path.join(root, 'hw/a.txt'), 'mine\n');
    agent = await spawnAgent(['--root', root]);
  });
  afterEach(cleanup);
  /** A case: the attack, then the agent must still be serving. */
  const attack = (name: string, fn: () => Promise<void>): void => attackCase(name, () => agent, fn);

  attack('answers an upgrade whose target is not a URL (`GET //[`) with 400 and a reason, no token needed', async () => {
    for (const target of ['//[', 'http://[/v1/connect', '/v1/connect#[']) {
      const answer = await rawRequest(portOf(agent), request(upgradeLines(target, undefined)));
      assert.equal(answer.status, 400, `${target}: ${answer.raw.toString('latin1').split('\r\n')[0]}`);
      assert.match(answer.raw.toString('utf8'), /request target/);
    }
  });

  attack('answers malformed percent-escapes in upgrade and HTTP targets with 400 and a reason', async () => {
    for (const target of ['/v1/connect%E0%A4%A', '/v1/workspaces/cs101--%E0%A4%A/connect', '/%zz', '/healthz?x=%E0%A4']) {
      for (const lines of [upgradeLines(target, TOKEN), [`GET ${target} HTTP/1.1`, 'Host: 127.0.0.1']]) {
        const answer = await rawRequest(portOf(agent), request(lines));
        assert.equal(answer.status, 400, `${lines[0]}: ${answer.raw.toString('latin1').split('\r\n')[0]}`);
        assert.match(answer.raw.toString('utf8'), /percent|UTF-8/);
      }
    }
  });

  attack('answers every raw HTTP request, whatever its method, target, version and headers, with a status or a clean close', async () => {
    await fc.assert(
      fc.asyncProperty(methods, targets, versions, headers, bodies, async (method, target, version, hs, body) => {
        const answer = await rawRequest(portOf(agent), request([`${method} ${target} ${version}`.trim(), 'Host: 127.0.0.1', ...hs], body));
        assert.ok(isWellFormed(answer), `not an HTTP answer: ${JSON.stringify(answer.raw.toString('latin1').slice(0, 200))}`);
      }),
      { numRuns: 200 },
    );
  });

  attack('answers every WebSocket upgrade request, whatever its target, token and headers, with a status or a clean close', async () => {
    const tokens = fc.constantFrom<string | undefined>(undefined, TOKEN, 'wrong-token-0123456789', '', ' '.repeat(3), '%E0%A4%A', 'x'.repeat(9000));
    await fc.assert(
      fc.asyncProperty(targets, tokens, headers, async (target, token, hs) => {
        const answer = await rawRequest(portOf(agent), request([...upgradeLines(target, token), ...hs]));
        assert.ok(isWellFormed(answer), `not an HTTP answer: ${JSON.stringify(answer.raw.toString('latin1').slice(0, 200))}`);
      }),
      { numRuns: 200 },
    );
  });

  attack('closes cleanly on garbage, truncated and oversized frames after an upgrade', async () => {
    const hello = JSON.stringify({ jsonrpc: '2.0', id: 1, method: HelloRequest.method, params: { protocolVersion: PROTOCOL_VERSION, capabilities: [], client } });
    const frame = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc
        .record({
          opcode: fc.integer({ min: 0, max: 15 }),
          fin: fc.boolean(),
          rsv: fc.integer({ min: 0, max: 7 }),
          mask: fc.boolean(),
          payload: fc.uint8Array({ maxLength: 300 }),
          cut: fc.option(fc.nat({ max: 310 })),
        })
        .map((f) => {
          const bytes = clientFrame(f.opcode, f.payload, f);
          return f.cut === null ? bytes : bytes.subarray(0, f.cut);
        }),
      // A header that announces 2^63 - 1 bytes, or 16 MiB, and then stops.
      fc.constantFrom(
        Buffer.from([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]),
        Buffer.from([0x81, 0xff, 0, 0, 0, 0, 1, 0, 0, 0, 1, 2, 3, 4]),
      ),
      fc.constant(clientFrame(Opcode.Text, Buffer.from(hello))),
      fc.constant(clientFrame(Opcode.Text, Buffer.from([0xc3, 0x28]))),
      fc.constant(clientFrame(Opcode.Close, Buffer.from([0x03, 0xe7]))),
      fc.constant(clientFrame(Opcode.Ping, Buffer.alloc(200))),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 6 }), async (frames) => {
        await upgradeThenSend(portOf(agent), request(upgradeLines('/v1/connect', TOKEN)), Buffer.concat(frames));
      }),
      { numRuns: 200 },
    );
  });

  attack('answers malformed JSON-RPC and binary frames after the handshake with protocol errors, and the connection keeps serving', async () => {
    const safeMethods = fc.oneof(
      fc.constantFrom(
        'session/hello',
        'session/ping',
        'session/protocolError',
        'stream/closed',
        'files/stat',
        'files/list',
        'files/read',
        'files/readStream',
        'files/unwatch',
        'sync/scan',
        'sync/get',
        'sync/download',
        'no/such',
        '',
        '__proto__',
        'constructor',
      ),
      fc.string({ maxLength: 20 }),
    );
    const ids = fc.oneof(fc.nat(), fc.string({ maxLength: 10 }), fc.constant(null), fc.double(), fc.object({ maxDepth: 1 }), fc.constant('x'.repeat(200)));
    const text = fc.oneof(
      fc.string({ maxLength: 100 }),
      fc.json({ maxDepth: 3 }),
      fc.constantFrom(
        '['.repeat(50_000) + ']'.repeat(50_000),
        '{"a":'.repeat(20_000),
        `{"jsonrpc":"2.0","id":1,"method":"files/stat","params":{"path":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`,
        `{"jsonrpc":"2.0","id":1,"method":"session/ping","params":{"payload":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`,
      ),
      fc
        .record(
          {
            jsonrpc: fc.constantFrom<unknown>('2.0', '2.0', '1.0', 2, null),
            id: ids,
            method: safeMethods,
            params: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ path: fc.string({ unit: 'grapheme', maxLength: 30 }) })),
            result: fc.jsonValue({ maxDepth: 2 }),
            error: fc.jsonValue({ maxDepth: 2 }),
          },
          { requiredKeys: [] },
        )
        .map((m) => JSON.stringify(m)),
    );
    const binary = fc.oneof(
      fc.uint8Array({ maxLength: 100 }),
      fc
        .record({
          kind: fc.integer({ min: 1, max: 4 }),
          streamId: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constant(0xffffffff)),
          seq: fc.oneof(fc.nat({ max: 3 }), fc.constant(0xffffffff)),
          payload: fc.uint8Array({ maxLength: 100 }),
        })
        .map((f) => encodeBinaryFrame(f as Parameters<typeof encodeBinaryFrame>[0])),
      fc.uint8Array({ minLength: 12, maxLength: 40 }).map((b) => {
        b[0] = 1;
        return b;
      }),
    );
    const frames = fc.array(fc.oneof(text.map((t) => ({ binary: false, data: t as string | Uint8Array })), binary.map((b) => ({ binary: true, data: b as string | Uint8Array }))), {
      minLength: 1,
      maxLength: 8,
    });
    await fc.assert(
      fc.asyncProperty(frames, async (sequence) => {
        const ws = new WebSocket(agent.connectUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
        try {
          await new Promise<void>((resolve, reject) => {
            ws.once('open', () => resolve());
            ws.once('error', reject);
          });
          const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
          const endpoint = new RpcEndpoint(ws, { role: 'client' });
          await endpoint.hello({ capabilities: [], client });
          for (const f of sequence) ws.send(f.data, { binary: f.binary });
          const outcome = await Promise.race([endpoint.request(PingRequest.type, { payload: 'after' }).then((r) => r.payload), closed]);
          assert.equal(outcome, 'after', `the server closed the connection (${String(outcome)}) instead of answering`);
        } finally {
          ws.terminate();
        }
      }),
      { numRuns: 200 },
    );
  });

  attack('refuses a second session/hello on the same connection with a protocol error, sent together or after', async () => {
    const hello = { protocolVersion: PROTOCOL_VERSION, capabilities: [], client };
    const conn = await openConnection(agent.connectUrl);
    const both = await Promise.allSettled([conn.endpoint.request(HelloRequest.type, hello), conn.endpoint.request(HelloRequest.type, hello)]);
    assert.equal(both.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one of two handshakes sent together is accepted');
    const refused = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(ProtocolError.is(refused.reason, 'InvalidRequest'), String(refused.reason));
    assert.match((refused.reason as Error).message, /handshake/);
    await assert.rejects(conn.endpoint.request(HelloRequest.type, hello), (err: unknown) => ProtocolError.is(err, 'InvalidRequest'));
    assert.equal((await conn.endpoint.request(PingRequest.type, { payload: 'x' })).payload, 'x', 'the first session goes on');
    conn.ws.terminate();
  });
});
