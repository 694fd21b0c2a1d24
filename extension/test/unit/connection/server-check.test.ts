// The address is checked before a token is asked for: a Classpod hub's
// health answer passes; anything else is named for what it is.

import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionError } from '../../../src/connection/connection-error';
import { checkServer } from '../../../src/connection/server-check';
import { closedPort } from '../fake-hub';

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function problemOf(address: string, timeoutMs?: number): Promise<ConnectionError> {
  try {
    await checkServer(address, timeoutMs);
  } catch (err) {
    assert.ok(err instanceof ConnectionError, `a ConnectionError, got ${String(err)}`);
    return err;
  }
  throw new Error('the check passed, but a failure was expected');
}

describe('checking a course server address', function () {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  });

  it("passes a hub's health answer, under a path prefix too", async function () {
    const seen: string[] = [];
    const { server, url } = await serve((req, res) => {
      seen.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'ok' }));
    });
    servers.push(server);
    assert.equal((await checkServer(`${url}/`)).origin, url);
    await checkServer(`${url}/classpod`);
    assert.deepEqual(seen, ['/healthz', '/classpod/healthz']);
  });

  it('says "not a Classpod course server" for another web server', async function () {
    const { server, url } = await serve((_req, res) => {
      res.statusCode = 404;
      res.end('<html>Not found</html>');
    });
    servers.push(server);
    const e = await problemOf(url);
    assert.equal(e.problem, 'not-classpod');
    assert.match(e.message, /not a Classpod course server \(HTTP 404\)/);
  });

  it('says a server that answers 200 with something else is not one either', async function () {
    const { server, url } = await serve((_req, res) => res.end('hello'));
    servers.push(server);
    assert.equal((await problemOf(url)).problem, 'not-classpod');
  });

  it('says "does not answer" when nothing listens', async function () {
    const e = await problemOf(`http://127.0.0.1:${await closedPort()}`);
    assert.equal(e.problem, 'unreachable');
    assert.match(e.message, /does not answer/);
  });

  it('says "does not answer" when the server never replies', async function () {
    const { server, url } = await serve(() => undefined);
    servers.push(server);
    const e = await problemOf(url, 300);
    assert.equal(e.problem, 'unreachable');
    assert.match(e.message, /timed out/);
  });

  it('refuses what is not a web address before asking anything', async function () {
    assert.equal((await problemOf('classpod.example.edu')).problem, 'bad-url');
    assert.equal((await problemOf('ftp://classpod.example.edu')).problem, 'bad-url');
  });
});
