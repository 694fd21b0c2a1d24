import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentLogger } from '@classpod/observability';
import { WORKSPACE_PAUSED_CLOSE_CODE } from '@classpod/protocol';
import { ConnectionError } from '../../../src/connection/connection-error';
import { openEndpoint } from '../../../src/connection/open-endpoint';
import { ReconnectingConnection } from '../../../src/connection/reconnecting-connection';
import { AssignmentSync } from '../../../src/sync/assignment-sync';
import type { SyncStatus } from '../../../src/sync/sync-status';
import { startRealAgent, type RealAgent } from '../real-agent';

/** Resolves when `check` holds after some sync cycle (or already). */
function until(sync: AssignmentSync, check: () => boolean): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve) => {
    const subs = [sync.onDidSync(() => done()), sync.onDidChangeStatus(() => done())];
    function done(): void {
      if (!check()) return;
      subs.forEach((s) => s.dispose());
      resolve();
    }
  });
}

const read = (p: string): string | undefined => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
};

describe('AssignmentSync against a real agent', function () {
  let agent: RealAgent;
  let local: string;
  let state: string;
  let reachable: boolean;
  let connection: ReconnectingConnection;
  let sync: AssignmentSync;
  const statuses: SyncStatus[] = [];

  beforeEach(async function () {
    agent = await startRealAgent();
    mkdirSync(path.join(agent.root, 'hello-c', '.classpod'), { recursive: true });
    writeFileSync(path.join(agent.root, 'hello-c', 'main.c'), 'int main(void) { return 0; }\n');
    writeFileSync(path.join(agent.root, 'hello-c', '.classpod', 'assignment.json'), '{"id":"hello-c","courseId":"cs101"}\n');
    local = mkdtempSync(path.join(tmpdir(), 'classpod-ext-local-'));
    state = mkdtempSync(path.join(tmpdir(), 'classpod-ext-state-'));
    reachable = true;
    connection = new ReconnectingConnection(
      () =>
        reachable
          ? openEndpoint({ server: new URL(agent.url), path: '/v1/connect', token: agent.token, capabilities: ['sync'], clientVersion: 't', logger: silentLogger })
          : Promise.reject(new ConnectionError('unreachable', 'the test cut the network')),
      { initialDelayMs: 20, maxDelayMs: 50 },
    );
    await connection.ready();
    statuses.length = 0;
    sync = await AssignmentSync.start({ folder: local, remoteRoot: 'hello-c', stateDir: state, ignore: ['*.log'], connection, logger: silentLogger, debounceMs: 10 });
    sync.onDidChangeStatus((s) => statuses.push(s));
  });

  afterEach(async function () {
    await sync.close();
    connection.dispose();
    await agent.close();
    rmSync(local, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  });

  it('resumes a workspace the hub paused when the student edits a file, and the edit reaches it', async function () {
    await until(sync, () => read(path.join(local, 'main.c')) !== undefined && sync.status.kind === 'synced');
    const offline = new Promise<void>((resolve) => connection.onDidChangeState((s) => s.kind === 'offline' && resolve()));
    connection.endpoint!.close(WORKSPACE_PAUSED_CLOSE_CODE, 'workspace paused after 10 min idle');
    await offline;
    writeFileSync(path.join(local, 'edited-while-paused.c'), 'int x;\n');
    const deadline = Date.now() + 60_000;
    while (read(path.join(agent.root, 'hello-c', 'edited-while-paused.c')) !== 'int x;\n') {
      if (Date.now() > deadline) throw new Error(`the edit did not reach the workspace; connection ${connection.state.kind}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(connection.state.kind, 'online');
  });

  it('brings the workspace files down and says synced', async function () {
    await until(sync, () => read(path.join(local, 'main.c')) !== undefined && sync.status.kind === 'synced');
    assert.equal(read(path.join(local, '.classpod', 'assignment.json')), '{"id":"hello-c","courseId":"cs101"}\n');
  });

  it('carries a local edit to the workspace, but not ignored files', async function () {
    await until(sync, () => sync.status.kind === 'synced' && read(path.join(local, 'main.c')) !== undefined);
    writeFileSync(path.join(local, 'main.c'), '#include <stdio.h>\nint main(void) { puts("hi"); }\n');
    writeFileSync(path.join(local, 'debug.log'), 'noise');
    await until(sync, () => read(path.join(agent.root, 'hello-c', 'main.c'))?.includes('puts("hi")') === true);
    await sync.syncNow();
    assert.equal(read(path.join(agent.root, 'hello-c', 'debug.log')), undefined);
  });

  it('keeps edits while offline, then syncs them; shows a conflict when both sides changed', async function () {
    await until(sync, () => sync.status.kind === 'synced' && read(path.join(local, 'main.c')) !== undefined);
    reachable = false;
    connection.endpoint!.close(4001, 'network cut');
    await until(sync, () => sync.status.kind === 'offline');
    writeFileSync(path.join(local, 'notes.txt'), 'written offline\n');
    writeFileSync(path.join(local, 'main.c'), 'local version\n');
    writeFileSync(path.join(agent.root, 'hello-c', 'main.c'), 'workspace version\n');
    reachable = true;
    connection.retryNow();
    await until(sync, () => read(path.join(agent.root, 'hello-c', 'notes.txt')) === 'written offline\n' && sync.status.kind === 'conflicts');
    assert.deepEqual(sync.status, { kind: 'conflicts', count: 1 });
    assert.equal(sync.conflicts[0]?.original, 'main.c');
    assert.match(sync.conflicts[0]!.copy, /^main\.conflict-(local|workspace)-\d{8}-\d{6}\.c$/);
    const both = [read(path.join(local, 'main.c')), read(path.join(local, sync.conflicts[0]!.copy))].sort();
    assert.deepEqual(both, ['local version\n', 'workspace version\n'], 'neither version is lost');
    assert.ok(statuses.some((s) => s.kind === 'offline'));
    rmSync(path.join(local, sync.conflicts[0]!.copy));
    await until(sync, () => sync.status.kind === 'synced');
  });
});
