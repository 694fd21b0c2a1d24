// The gateway relays frames unchanged both ways — text as text, binary as
// binary, frames sent before the agent was ready included — and closes both
// sides together.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { startTestHub, type TestHub } from '../support/test-hub';
import { parseWorkspaceId } from '../../src/gateway/workspace-gateway';

describe('workspace gateway', function () {
  this.timeout(60_000);
  let t: TestHub | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('parses workspace ids and refuses others', () => {
    assert.deepEqual(parseWorkspaceId('cs101--alice'), { courseId: 'cs101', studentId: 'alice' });
    assert.equal(parseWorkspaceId('cs101-alice'), undefined);
    assert.equal(parseWorkspaceId('cs101--../x'), undefined);
    assert.equal(parseWorkspaceId('CS101--alice'), undefined);
  });

  it('relays the handshake sent before the agent is ready, binary frames, and the close', async () => {
    t = await startTestHub();
    const ws = new WebSocket(t.hub.url.replace('http', 'ws') + '/v1/workspaces/cs101--alice/connect', { headers: { authorization: `Bearer ${t.tokens.alice}` } });
    await once(ws, 'open');
    const messages: Array<{ data: Buffer; binary: boolean }> = [];
    ws.on('message', (data: Buffer, binary) => messages.push({ data, binary }));
    // Sent at once: the agent is still starting; the gateway keeps it.
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'session/hello', params: { protocolVersion: '1.0', capabilities: [], client: { name: 't', version: '0' } } }));
    while (messages.length < 1) await once(ws, 'message');
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'session/ping', params: { payload: 'through the hub' } }));
    // A binary frame of an unknown format version: the agent answers with a protocol error, proving it arrived as binary.
    ws.send(Buffer.from([7, 1, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 42]), { binary: true });
    while (messages.length < 3) await once(ws, 'message');
    const texts = messages.filter((m) => !m.binary).map((m) => JSON.parse(m.data.toString()));
    assert.equal(texts[0].id, 1);
    assert.equal(texts.find((x) => x.id === 2)?.result?.payload, 'through the hub', JSON.stringify(texts));
    assert.ok(texts.some((x) => x.method === 'session/protocolError' && /format 7/.test(x.params.message)), JSON.stringify(texts));

    const status = await t.hub.provider.status({ courseId: 'cs101', studentId: 'alice' });
    assert.equal(status.state, 'running');
    // Closing the client closes the hub's connection to the agent too: the agent sees no client left.
    const metricsBefore = await (await fetch(`${t.hub.url}/metrics`)).text();
    assert.match(metricsBefore, /^classpod_hub_gateway_connections 1$/m);
    ws.close(1000, 'bye');
    await once(ws, 'close');
    for (let i = 0; i < 50; i++) {
      if (/^classpod_hub_gateway_connections 0$/m.test(await (await fetch(`${t.hub.url}/metrics`)).text())) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(await (await fetch(`${t.hub.url}/metrics`)).text(), /^classpod_hub_gateway_connections 0$/m);
  });

  it('closes the client when the workspace agent goes away', async () => {
    t = await startTestHub();
    const ws = new WebSocket(t.hub.url.replace('http', 'ws') + '/v1/workspaces/cs101--bob/connect', { headers: { authorization: `Bearer ${t.tokens.bob}` } });
    await once(ws, 'open');
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'session/hello', params: { protocolVersion: '1.0', capabilities: [], client: { name: 't', version: '0' } } }));
    await once(ws, 'message');
    const closed = once(ws, 'close');
    await t.hub.provider.stop({ courseId: 'cs101', studentId: 'bob' });
    const [code] = (await closed) as [number];
    assert.ok(code >= 1000, String(code));
  });
});
