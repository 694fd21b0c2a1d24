// A pass-through HTTP proxy in front of the hub that keeps the sessions the
// hub hands out at its token endpoint (`POST /v1/auth/oidc/token`), so the
// journey can ask the hub afterwards whether a session it issued to VS Code
// still works. Everything else (requests, WebSocket upgrades) is relayed
// untouched; it listens on the address VS Code is given as the course server.

import { request, createServer } from 'node:http';
import { connect } from 'node:net';

/** Listen on `host`:0; `target(url)` sets the hub it relays to. */
export async function startRecordingProxy({ host, log = () => undefined }) {
  let target;
  const sessions = [];
  const upgraded = new Set();
  const server = createServer((req, res) => {
    if (!target) {
      res.statusCode = 503;
      res.end('no hub yet');
      return;
    }
    const upstream = request(new URL(req.url, target), { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      const recorded = req.method === 'POST' && req.url.split('?')[0] === '/v1/auth/oidc/token';
      res.writeHead(answer.statusCode, answer.headers);
      if (!recorded) {
        answer.pipe(res);
        return;
      }
      const chunks = [];
      answer.on('data', (c) => {
        chunks.push(c);
        res.write(c);
      });
      answer.on('end', () => {
        res.end();
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (body.token) sessions.push(body);
          log(`the hub's token endpoint answered ${answer.statusCode}${body.token ? ` with session ${body.tokenId}` : `: ${body.error}`}`);
        } catch {
          log(`the hub's token endpoint answered ${answer.statusCode} with no JSON`);
        }
      });
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('upgrade', (req, socket, head) => {
    const up = connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    upgraded.add(socket);
    const close = () => {
      upgraded.delete(socket);
      up.destroy();
      socket.destroy();
    };
    socket.on('close', close);
    up.on('error', close);
    socket.on('error', close);
  });
  await new Promise((resolve) => server.listen(0, host, resolve));
  const url = `http://${host}:${server.address().port}`;
  return {
    url,
    /** The sessions the hub answered at its token endpoint, oldest first. */
    sessions,
    target: (hubUrl) => (target = new URL(hubUrl)),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      }),
  };
}
