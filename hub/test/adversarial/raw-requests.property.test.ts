// Random raw requests against a real hub process, spoken over node:net: HTTP
// requests with any method, target, percent-escapes and header junk, and
// WebSocket upgrades to every endpoint with and without a valid token,
// followed by garbage frames once upgraded. Each gets a well-formed HTTP
// answer (never a 5xx, never a host path) or a clean close, and after each
// the hub process lives and /healthz answers 200; after all of them a real
// client still signs in and calls a method.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { methodCatalogue, plural } from '@classpod/protocol';
import { assertNoHostPath, startHubUnderAttack, type HubUnderAttack } from '../support/hub-under-attack';
import { clientFrame, drain, requestText, sendRaw, upgradeHeaders, type RawAnswer } from '@classpod/test-support';

type TokenChoice = 'none' | 'unknown' | 'junk' | 'alice' | 'prof' | 'admin' | 'grader';

/** Paths of the hub; junk goes in place of `{}`, or at the end. */
const PATHS = [
  '/',
  '/v1',
  '/v1/connect',
  '/v1/grader',
  '/v1/workspaces/cs101--alice/connect',
  '/v1/workspaces/cs101--bob/connect',
  '/v1/workspaces/cs101--{}/connect',
  '/v1/workspaces/{}/connect',
  '/v1/courses/cs101/grades.csv',
  '/v1/courses/{}/grades.csv',
  '/healthz',
  '/readyz',
  '/metrics',
  '//',
  'http://hub',
  '*',
];

/** Text a target may carry: escapes whole and broken, separators, dots, brackets, a little non-ASCII. */
const targetJunk = fc.array(
  fc.oneof(
    fc.constantFrom('%', '%2', '%2F', '%2f', '%00', '%E0%A4%A', '%C0%AF', '%FF', '%zz', '%25', '%E2%82%AC', '/', '//', '..', '.', '?', '&', '=', '#', '+', '[', ']', '@', ':', '\\', '~', ';', 'é', '\u0000', ' '),
    fc.stringMatching(/^[a-z0-9-]{1,6}$/),
  ),
  { maxLength: 8 },
);

// Half the targets are a path as it is, so that requests also reach the routes and the upgrades succeed.
const target = fc.tuple(
  fc.constantFrom(...PATHS),
  fc.oneof(fc.constant([] as string[]), targetJunk),
  fc.option(fc.constantFrom<TokenChoice>('unknown', 'junk', 'alice', 'prof', 'grader'), { nil: undefined, freq: 3 }),
).map(
  ([path, junk, queryToken]) => ({ path: path.includes('{}') ? path.replace('{}', junk.join('')) : path + junk.join(''), queryToken }),
);

const headerName = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const headerValue = fc.oneof(fc.stringMatching(/^[\x20-\x7e]{0,40}$/), fc.constantFrom('\u00ff\u00fe', 'a\u0001b', '', ' '.repeat(3), 'x'.repeat(9000)));
const junkHeaders = fc.array(fc.tuple(fc.oneof(headerName, fc.constantFrom('Content-Length', 'Transfer-Encoding', 'Expect', 'Host', 'Connection', 'Upgrade', 'Authorization', 'Sec-WebSocket-Key', 'Sec-WebSocket-Version', 'Sec-WebSocket-Protocol', 'Sec-WebSocket-Extensions')), headerValue), { maxLength: 4 });

/** `likely` three times in four, else `other`. */
function usually<T>(likely: fc.Arbitrary<T>, other: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 3, arbitrary: likely }, { weight: 1, arbitrary: other });
}

const authorization = fc.constantFrom<TokenChoice>('none', 'unknown', 'junk', 'alice', 'prof', 'admin', 'grader');
const scheme = fc.constantFrom('Bearer ', 'bearer ', 'Bearer\t', 'Basic ', 'Bearer  ', '');

/** A JSON-RPC message, well-formed or nearly: catalogue methods and others, any params and ids. */
const rpcText = fc.oneof(
  fc
    .record({
      id: fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null), fc.object({ maxDepth: 1 })),
      method: fc.oneof(fc.constantFrom(...methodCatalogue().keys()), fc.string({ maxLength: 20 })),
      params: fc.oneof(fc.object({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 })),
    })
    .map((m) => JSON.stringify({ jsonrpc: '2.0', ...m })),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.string({ maxLength: 60 }),
  fc.constant('{"jsonrpc":"2.0","id":1,"method":"session/hello","params":{"protocolVersion":"1.0","capabilities":[],"client":{"name":"fuzz","version":"0"}}}'),
);

/** What a client may write after the upgrade: frames of any kind, raw bytes, a declared length far beyond any limit. */
const afterUpgrade = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: rpcText.map((text) => clientFrame(1, Buffer.from(text))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => clientFrame(1, Buffer.from(b))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => clientFrame(2, Buffer.from(b))) },
    {
      weight: 2,
      arbitrary: fc
        .record({ opcode: fc.integer({ min: 0, max: 15 }), fin: fc.boolean(), rsv: fc.integer({ min: 0, max: 7 }), mask: fc.boolean(), payload: fc.uint8Array({ maxLength: 200 }) })
        .map((f) => clientFrame(f.opcode, Buffer.from(f.payload), f)),
    },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b)) },
    { weight: 1, arbitrary: fc.constant(Buffer.from([0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4])) },
  ),
  { maxLength: 6 },
);

describe('random raw requests against a hub process', function () {
  this.timeout(300_000);
  let t: HubUnderAttack;
  let host: string;

  before(async () => {
    t = await startHubUnderAttack();
    host = new URL(t.url).host;
  });
  after(async () => {
    const left = await t?.close();
    assert.deepEqual(left, [], 'processes left behind after the hub stopped');
  });

  const tokenText = (choice: TokenChoice | undefined): string | undefined => {
    if (choice === undefined || choice === 'none') return undefined;
    if (choice === 'unknown') return 'cp_' + 'A'.repeat(43);
    if (choice === 'junk') return 'cp_%E0%A4%A../..;$(id)';
    return t.tokens[choice];
  };
  const withQuery = (path: string, choice: TokenChoice | undefined): string => {
    const token = tokenText(choice);
    return token === undefined ? path : `${path}${path.includes('?') ? '&' : '?'}token=${token}`;
  };

  /** A well-formed answer (or a close without one): never a 5xx, JSON errors where the hub wrote them, no host path anywhere. */
  const assertWellFormed = (answer: RawAnswer, what: string): void => {
    if (answer.raw.length === 0) {
      assert.ok(answer.closed, `${what}: no answer and no close`);
      return;
    }
    assert.ok(answer.status !== undefined, `${what}: not an HTTP answer: ${JSON.stringify(answer.raw.toString('latin1').slice(0, 300))}`);
    assert.ok(answer.complete, `${what}: incomplete answer: ${JSON.stringify(answer.raw.toString('latin1').slice(0, 300))}`);
    assert.ok(answer.status < 500, `${what}: ${answer.raw.toString('latin1').slice(0, 600)}`);
    if (answer.status >= 400 && answer.body.length > 0 && /application\/json/.test(answer.headers['content-type'] ?? '')) {
      assert.equal(typeof (JSON.parse(answer.body.toString('utf8')) as { error?: unknown }).error, 'string', what);
    }
    assertNoHostPath(answer.body.toString('utf8'), t.dataDir, what);
  };

  const assertAlive = async (what: string): Promise<void> => {
    assert.ok(t.hub.alive, `the hub died after ${what}; it wrote:\n${t.hub.stderrTail}`);
    assert.equal((await fetch(`${t.url}/healthz`)).status, 200, `/healthz after ${what}`);
  };

  it('answers any HTTP request well-formed and keeps serving', async () => {
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        usually(fc.constant('GET'), fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'BREW', 'get', 'G\u00c9T')),
        fc.oneof(
          { weight: 3, arbitrary: fc.record({ path: fc.constantFrom('/healthz', '/readyz', '/metrics', '/v1/courses/cs101/grades.csv'), queryToken: fc.constant(undefined) }) },
          // Junk where the routes decode it: the course in the grade export's path, its query.
          { weight: 2, arbitrary: fc.record({ path: fc.constantFrom('/v1/courses/{}/grades.csv', '/v1/courses/cs101/grades.csv?x={}'), queryToken: fc.constant(undefined) }).chain((r) => targetJunk.map((junk) => ({ ...r, path: r.path.replace('{}', junk.join('')) }))) },
          { weight: 1, arbitrary: target },
        ),
        usually(fc.constant<TokenChoice>('prof'), authorization),
        usually(fc.constant('Bearer '), scheme),
        usually(fc.constant([] as Array<[string, string]>), junkHeaders),
        fc.boolean(),
        async (method, tgt, auth, authScheme, junk, withBody) => {
          const token = tokenText(auth);
          const body = withBody ? '{"x":1}' : '';
          const headers: Array<[string, string]> = [['Host', host], ...junk, ['Connection', 'close']];
          if (token !== undefined) headers.push(['Authorization', authScheme + token]);
          if (withBody) headers.push(['Content-Length', String(body.length)]);
          const request = requestText(method, withQuery(tgt.path, tgt.queryToken), headers, body);
          const what = JSON.stringify(request.slice(0, 300));
          const answer = await sendRaw(t.url, Buffer.from(request, 'latin1'), { method, timeoutMs: 10_000 });
          assertWellFormed(answer, what);
          const kind = answer.status === undefined ? 'closed' : `${Math.floor(answer.status / 100)}xx`;
          statuses.set(kind, (statuses.get(kind) ?? 0) + 1);
          await assertAlive(what);
        },
      ),
      { numRuns: 150 },
    );
    // The runs reached the routes, not only the parser's refusals.
    assert.ok((statuses.get('2xx') ?? 0) >= 5 && (statuses.get('4xx') ?? 0) >= 5, JSON.stringify([...statuses]));
    await t.assertHealthy('random HTTP requests');
  });

  it('answers any WebSocket upgrade well-formed, survives garbage frames after it, and keeps serving', async () => {
    const upgraded = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        usually(fc.constant('GET'), fc.constantFrom('GET', 'POST', 'HEAD')),
        // An endpoint with the token that opens it, most of the time, so that garbage frames reach every endpoint.
        usually(
          fc.constantFrom<[string, TokenChoice]>(['/v1/connect', 'alice'], ['/v1/grader', 'grader'], ['/v1/workspaces/cs101--alice/connect', 'alice'], ['/v1/workspaces/cs101--alice/connect', 'prof']),
          fc.tuple(target.map((x) => x.path), authorization),
        ),
        usually(fc.constant('Bearer '), scheme),
        usually(fc.constant(upgradeHeaders(host).slice(1)), fc.subarray(upgradeHeaders(host).slice(1))),
        usually(fc.constant([] as Array<[string, string]>), junkHeaders),
        afterUpgrade,
        async (method, [path, auth], authScheme, upgrade, junk, frames) => {
          const token = tokenText(auth);
          const headers: Array<[string, string]> = [['Host', host], ...upgrade, ...junk];
          if (token !== undefined) headers.push(['Authorization', authScheme + token]);
          const request = requestText(method, path, headers);
          const what = JSON.stringify(request.slice(0, 300));
          const answer = await sendRaw(t.url, Buffer.from(request, 'latin1'), { method, timeoutMs: 10_000, keepUpgraded: true });
          try {
            assertWellFormed(answer, what);
            if (answer.socket) {
              upgraded.add(path.startsWith('/v1/workspaces/') ? 'gateway' : path);
              for (const f of frames) if (!answer.socket.destroyed) answer.socket.write(f);
              await drain(answer.socket, 150);
            }
          } finally {
            answer.socket?.destroy();
          }
          await assertAlive(`${what} and ${plural(frames.length, 'frame')}`);
        },
      ),
      { numRuns: 120 },
    );
    // Garbage frames went to the hub API, the grader endpoint and the gateway.
    for (const endpoint of ['/v1/connect', '/v1/grader', 'gateway']) assert.ok(upgraded.has(endpoint), `no run upgraded to ${endpoint}: ${[...upgraded].join(', ')}`);
    await t.assertHealthy('random upgrades and frames');
  });
});
