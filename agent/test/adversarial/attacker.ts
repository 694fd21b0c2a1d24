// Test fixture for the adversarial suites: a workspace beside an "outside"
// folder the student must never reach, a real agent process over it, a
// client that records every text the agent answers with, and the checks run
// after each attack (the outside folder unchanged to the byte and mode, no
// temporary file left, no host path in any answer, the agent still serving).

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, promises as fs, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import {
  FileReadRequest,
  ProtocolError,
  SyncOpenRequest,
  type ErrorCodeName,
  type BinaryStream,
  type RequestType,
  type RpcEndpoint,
  type Static,
  type TSchema,
} from '@classpod/protocol';
import { isTempName } from '@classpod/sync';
import { namesUnder } from '@classpod/test-support';
import { client, openConnection, tempDir } from '../helpers';
import { spawnAgent, type AgentProcess } from '../process';

/** The content of the outside file the attacks aim at. */
export const SECRET = 'the hidden tests of every course\n';
export const SECRET_HASH = sha256(SECRET);

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** What a folder holds, recursively: path → kind, mode and checksum (links: their target). */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await fs.readdir(path.join(dir, rel))).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const abs = path.join(dir, r);
      const st = await fs.lstat(abs);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        out.set(r, `dir ${mode}`);
        await walk(r);
      } else if (st.isSymbolicLink()) out.set(r, `link ${await fs.readlink(abs)}`);
      else if (st.isFile()) out.set(r, `file ${mode} ${sha256(await fs.readFile(abs))}`);
      else out.set(r, `special ${mode}`);
    }
  };
  await walk('');
  return out;
}

/** Names under `dir` that a writer left behind: temporary files and half-made staged copies. */
export function leftovers(dir: string): Promise<string[]> {
  return namesUnder(dir, (name) => isTempName(name) || /\.put-|\.copy-|CASE-PROBE/.test(name));
}

export interface Attack {
  /** Holds `workspace` and `outside`; every host path of the test starts with it. */
  base: string;
  /** The workspace root the agent serves. */
  root: string;
  /** A folder beside the workspace that holds `secret.txt` (mode 0600) and `victim.txt` (mode 0600). */
  outside: string;
  agent: AgentProcess;
  endpoint: RpcEndpoint;
  /** Every message and reason the agent answered with, for the host-path check. */
  texts: string[];
  /** A request; its error (if any) is recorded and returned instead of thrown. */
  call<P extends TSchema, R extends TSchema>(type: RequestType<P, R>, params: Static<P>): Promise<Static<R> | ProtocolError>;
  /** A request that must succeed. */
  ok<P extends TSchema, R extends TSchema>(type: RequestType<P, R>, params: Static<P>): Promise<Static<R>>;
  /** Open the replica of a folder under the workspace root. */
  open(root: string): Promise<string>;
  /** The checks every attack ends with. */
  verify(): Promise<void>;
}

/** Collect a whole stream the agent opened. */
export function drain(stream: BinaryStream): Promise<{ bytes: Buffer; reason: string | undefined }> {
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    stream.onData((c) => chunks.push(Buffer.from(c)));
    stream.onEnd((reason) => resolve({ bytes: Buffer.concat(chunks), reason }));
  });
}

/** A workspace with `hw/a.txt`, an outside folder, and a real agent process serving the workspace. */
export async function prepareAttack(): Promise<Attack> {
  const base = tempDir('classpod-jail-');
  const root = path.join(base, 'workspace');
  const outside = path.join(base, 'outside');
  mkdirSync(path.join(root, 'hw'), { recursive: true });
  writeFileSync(path.join(root, 'hw/a.txt'), 'mine\n');
  mkdirSync(path.join(outside, 'state'), { recursive: true });
  writeFileSync(path.join(outside, 'secret.txt'), SECRET);
  writeFileSync(path.join(outside, 'victim.txt'), 'victim\n');
  chmodSync(path.join(outside, 'secret.txt'), 0o600);
  chmodSync(path.join(outside, 'victim.txt'), 0o600);

  const agent = await spawnAgent(['--root', root]);
  const conn = await openConnection(agent.connectUrl);
  await conn.endpoint.hello({ capabilities: [], client });
  const texts: string[] = [];
  let before: Map<string, string> | undefined;

  const record = (value: unknown): void => {
    texts.push(JSON.stringify(value));
  };
  const attack: Attack = {
    base,
    root,
    outside,
    agent,
    endpoint: conn.endpoint,
    texts,
    async call(type, params) {
      // The outside folder is measured just before the first request, after the test built its links.
      before ??= await snapshot(outside);
      try {
        const result = await conn.endpoint.request(type, params);
        record(result);
        return result;
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        record({ message: err.message, data: err.data });
        return err;
      }
    },
    async ok(type, params) {
      const r = await attack.call(type, params);
      if (r instanceof ProtocolError) throw new Error(`${type.method} failed: ${r.code} ${r.message}`);
      return r;
    },
    async open(folder) {
      return (await attack.ok(SyncOpenRequest.type, { root: folder })).replicaId;
    },
    async verify() {
      assert.ok(before, 'the attack made at least one request');
      assert.deepEqual(await snapshot(outside), before, 'the outside folder is unchanged: same entries, checksums and modes');
      assert.deepEqual(await leftovers(root), [], 'no temporary file is left in the workspace');
      for (const t of texts) {
        assert.ok(!t.includes(base), `an answer shows a host path: ${t}`);
      }
      const read = await conn.endpoint.request(FileReadRequest.type, { path: 'hw/a.txt' });
      assert.equal(Buffer.from(read.contentBase64, 'base64').toString(), 'mine\n', 'the agent still answers a file read');
      assert.deepEqual(await openFilesUnder(agent.pid, base), [], 'the agent holds no file of the test open (folders it serves it may hold)');
    },
  };
  return attack;
}

/** Files (not folders) under `dir` that process `pid` holds open. */
export async function openFilesUnder(pid: number, dir: string): Promise<string[]> {
  const open: string[] = [];
  for (const fd of await fs.readdir(`/proc/${pid}/fd`).catch(() => [])) {
    const target = await fs.readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    if (!target.startsWith(dir + '/')) continue;
    const st = await fs.stat(`/proc/${pid}/fd/${fd}`).catch(() => undefined);
    if (st && !st.isDirectory()) open.push(target.slice(dir.length + 1));
  }
  return open;
}

/** Assert an answer is a refusal with this code (and, when given, this reason). */
export function assertRefused(answer: unknown, code: ErrorCodeName, reason?: string): asserts answer is ProtocolError {
  assert.ok(answer instanceof ProtocolError, `expected a refusal (${code}), got ${JSON.stringify(answer)}`);
  assert.ok(ProtocolError.is(answer, code), `expected ${code}, got ${answer.code}: ${answer.message}`);
  if (reason) assert.equal((answer.data as { reason?: string } | undefined)?.reason, reason, answer.message);
}
