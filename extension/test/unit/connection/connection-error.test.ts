import * as assert from 'node:assert/strict';
import { silentLogger } from '@classpod/observability';
import { ConnectionError, classifyConnectFailure, parseServerUrl, webSocketUrl } from '../../../src/connection/connection-error';
import { openEndpoint } from '../../../src/connection/open-endpoint';
import { closedPort, startFakeHub, type FakeHub } from '../fake-hub';

async function problemOf(server: string, token: string, path = '/v1/connect'): Promise<ConnectionError> {
  try {
    const { endpoint } = await openEndpoint({ server: new URL(server), path, token, capabilities: [], clientVersion: 't', logger: silentLogger, timeoutMs: 5000 });
    endpoint.close();
  } catch (err) {
    assert.ok(err instanceof ConnectionError, `a ConnectionError, got ${String(err)}`);
    return err;
  }
  throw new Error('connected, but a failure was expected');
}

describe('connection errors', function () {
  let hub: FakeHub | undefined;
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });

  it('names a mistyped address before connecting', function () {
    assert.throws(() => parseServerUrl('classpod.example.edu'), (e: ConnectionError) => e.problem === 'bad-url' && /not a web address/.test(e.message));
    assert.throws(() => parseServerUrl('ftp://x'), (e: ConnectionError) => e.problem === 'bad-url');
    assert.equal(parseServerUrl(' http://127.0.0.1:8080/ ').href, 'http://127.0.0.1:8080/');
  });

  it('builds the WebSocket address under the server path', function () {
    assert.equal(webSocketUrl(new URL('https://h.edu/classpod/'), '/v1/connect'), 'wss://h.edu/classpod/v1/connect');
    assert.equal(webSocketUrl(new URL('http://127.0.0.1:8080'), '/v1/connect'), 'ws://127.0.0.1:8080/v1/connect');
  });

  it('says the server is down when nothing listens on the port', async function () {
    const e = await problemOf(`http://127.0.0.1:${await closedPort()}`, 'alice-token');
    assert.equal(e.problem, 'unreachable');
    assert.match(e.message, /does not answer \(ECONNREFUSED\)/);
    assert.equal(e.retryable, true);
  });

  it('says the token was refused when the server answers 401', async function () {
    hub = await startFakeHub();
    const e = await problemOf(hub.url, 'revoked-token');
    assert.equal(e.problem, 'unauthorized');
    assert.match(e.message, /refused your token/);
    assert.equal(e.retryable, false);
  });

  it('says the address is not a course server when the path does not exist', async function () {
    hub = await startFakeHub();
    const e = await problemOf(hub.url, 'alice-token', '/elsewhere');
    assert.equal(e.problem, 'not-classpod');
    assert.match(e.message, /not a Classpod course server \(HTTP 404\)/);
  });

  it('says the server is not ready on 503', async function () {
    hub = await startFakeHub({ status: 503 });
    const e = await problemOf(hub.url, 'alice-token');
    assert.equal(e.problem, 'unavailable');
    assert.equal(e.retryable, true);
  });

  it('says the host does not exist on a failed name lookup', function () {
    const e = classifyConnectFailure(Object.assign(new Error('getaddrinfo ENOTFOUND nohost.invalid'), { code: 'ENOTFOUND' }), new URL('https://nohost.invalid'));
    assert.equal(e.problem, 'bad-url');
    assert.match(e.message, /no server named "nohost.invalid"/);
  });

  it('connects and handshakes with a good token', async function () {
    hub = await startFakeHub();
    const { endpoint, hello } = await openEndpoint({ server: new URL(hub.url), path: '/v1/connect', token: 'alice-token', capabilities: [], clientVersion: 't', logger: silentLogger });
    assert.equal(hello.protocolVersion, '1.0');
    endpoint.close();
  });
});
