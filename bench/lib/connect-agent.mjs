// A benchmark's client connection to an agent: a WebSocket with the agent's
// token and a handshake naming the capability the benchmark uses.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { RpcEndpoint } = require('@classpod/protocol');
const { WebSocket } = require('ws');

/** Connect to the agent at `url` (http://HOST:PORT) and complete the handshake. */
export async function connectAgent(url, token, capability) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/connect`, { headers: { authorization: `Bearer ${token}` } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const endpoint = new RpcEndpoint(ws, { role: 'client', name: 'bench' });
  await endpoint.hello({ capabilities: [capability], client: { name: 'classpod-bench', version: '0' } });
  return { ws, endpoint };
}
