// Test fixtures: a real agent on 127.0.0.1 over a temporary workspace, and
// real `ws` clients with an RpcEndpoint. Everything started is closed by
// `cleanup()`, which every suite calls in afterEach.

import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { RpcEndpoint, type BinaryStream } from '@classpod/protocol';
import { silentLogger } from '@classpod/observability';
import { startAgent, type AgentHandle, type AgentOptions } from '../src';

export const TOKEN = 'test-token-0123456789abcdef';
export const client = { name: 'agent-test', version: '0' };

const cleanups: Array<() => unknown> = [];

/** Run every registered cleanup, newest first. */
export async function cleanup(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch {
      // Keep cleaning.
    }
  }
}

/** Register something to undo after the test. */
export function defer(fn: () => unknown): void {
  cleanups.push(fn);
}

/** A temporary folder, removed after the test. */
export function tempDir(prefix = 'classpod-agent-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface TestAgent {
  agent: AgentHandle;
  root: string;
  /** Open a connection and do the handshake. */
  connect(): Promise<Connection>;
}

export interface Connection {
  ws: WebSocket;
  endpoint: RpcEndpoint;
}

/** Start an agent over a fresh temporary root. */
export async function startTestAgent(options: Partial<AgentOptions> = {}): Promise<TestAgent> {
  const root = options.root ?? path.join(tempDir(), 'workspace');
  if (!options.root) (await import('node:fs')).mkdirSync(root);
  const agent = await startAgent({ root, token: TOKEN, logger: silentLogger, ...options });
  defer(() => agent.close());
  return {
    agent,
    root,
    async connect() {
      const conn = await openConnection(agent.connectUrl);
      await conn.endpoint.hello({ capabilities: [], client });
      return conn;
    },
  };
}

/** Open a WebSocket with the test token (no handshake). */
export async function openConnection(url: string, token = TOKEN): Promise<Connection> {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  defer(() => ws.terminate());
  await once(ws, 'open');
  return { ws, endpoint: new RpcEndpoint(ws, { role: 'client', name: 'test-client' }) };
}

/** Collect a stream's bytes; `until` decides when the collected text is enough. */
export function collect(stream: BinaryStream): { text(): string; bytes(): Buffer; waitFor(pred: (text: string) => boolean): Promise<string>; ended: Promise<string | undefined> } {
  const chunks: Buffer[] = [];
  let waiters: Array<() => void> = [];
  stream.onData((c) => {
    chunks.push(Buffer.from(c));
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  });
  const ended = new Promise<string | undefined>((resolve) =>
    stream.onEnd((r) => {
      resolve(r);
      for (const f of waiters) f();
    }),
  );
  const bytes = (): Buffer => Buffer.concat(chunks);
  return {
    bytes,
    text: () => bytes().toString('utf8'),
    ended,
    waitFor(pred) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const t = bytes().toString('utf8');
          if (pred(t)) resolve(t);
          else if (stream.isEnded) reject(new Error(`stream ended before the expected output; got ${JSON.stringify(t.slice(-500))}`));
          else waiters.push(check);
        };
        check();
      });
    },
  };
}

/** Resolve with the next notification of a method. */
export function nextNotification<T>(endpoint: RpcEndpoint, type: { method: string; paramsValidator: unknown } & object, pred: (p: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const off = endpoint.onNotification(type as never, ((p: T) => {
      if (!pred(p)) return;
      off();
      resolve(p);
    }) as never);
  });
}
