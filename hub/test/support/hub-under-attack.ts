// A hub to attack: `classpod-hub serve` as a child process over a data folder
// set up with the administration commands (the demo course, two students, a
// professor, and tokens of every scope). A request that kills it shows as a
// dead process, not as a dead test runner. `assertHealthy` is what a user
// would check afterwards: the process lives, /healthz answers 200, a real
// client signs in and calls a method. `close` stops it and every process it
// left behind (found by its data folder in the process table).

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WhoAmIRequest } from '@classpod/protocol';
import { HubProcess, hubCli, tokenFrom } from './hub-process';
import { TestClient } from './test-client';
import { DEMO_COURSE_DIR } from './test-hub';

const REPO = resolve(__dirname, '../../../..');

/** Fail when `text` names a folder of the host (the data folder, the code, the temporary folder, or any absolute path). */
export function assertNoHostPath(text: string, dataDir: string, what: string): void {
  for (const root of [dataDir, REPO, tmpdir()]) assert.ok(!text.includes(root), `${what} names the host path ${root}: ${text}`);
  assert.doesNotMatch(text, /(^|[\s'"`(=:])\/(tmp|work|home|root|var|etc|usr|proc|srv|opt)\//, `${what} names a host path: ${text}`);
}

export interface HubUnderAttack {
  readonly hub: HubProcess;
  readonly url: string;
  readonly dataDir: string;
  /** `alice`, `bob` (students of cs101), `prof` (its professor), `admin` (prof's token of scope admin), `grader`. */
  readonly tokens: Record<'alice' | 'bob' | 'prof' | 'admin' | 'grader', string>;
  /** The process lives, /healthz answers 200, and a real client signs in and calls a method. */
  assertHealthy(why?: string): Promise<void>;
  /** Stop the hub (SIGTERM, then SIGKILL) and remove the folder; resolves to the processes it left behind (now killed). */
  close(): Promise<number[]>;
}

/** Processes whose command line names `folder` (the hub and the agents it started over it). */
export function processesNaming(folder: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(folder)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export async function startHubUnderAttack(): Promise<HubUnderAttack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'classpod-hub-attack-'));
  const cli = (args: string[]): string => hubCli([...args, '--data', dataDir]);
  try {
    cli(['course', 'create', '--from', DEMO_COURSE_DIR]);
    for (const s of ['alice', 'bob']) cli(['people', 'add', '--id', s, '--name', s, '--course', 'cs101', '--role', 'student']);
    cli(['people', 'add', '--id', 'prof', '--name', 'Prof', '--course', 'cs101', '--role', 'professor']);
    const tokens = {
      alice: tokenFrom(cli(['tokens', 'issue', '--person', 'alice'])),
      bob: tokenFrom(cli(['tokens', 'issue', '--person', 'bob'])),
      prof: tokenFrom(cli(['tokens', 'issue', '--person', 'prof'])),
      admin: tokenFrom(cli(['tokens', 'issue', '--person', 'prof', '--scope', 'admin'])),
      grader: tokenFrom(cli(['tokens', 'issue', '--grader'])),
    };
    const hub = await HubProcess.start(dataDir);
    return {
      hub,
      url: hub.url,
      dataDir,
      tokens,
      async assertHealthy(why = '') {
        const context = why ? ` after ${why}` : '';
        assert.ok(hub.alive, `the hub process died${context}; it wrote:\n${hub.stderrTail}`);
        const health = await fetch(`${hub.url}/healthz`);
        assert.equal(health.status, 200, `/healthz${context}`);
        const client = await TestClient.connect(hub.url, tokens.alice);
        try {
          assert.equal((await client.request(WhoAmIRequest.type, {})).personId, 'alice');
        } finally {
          client.close();
        }
      },
      async close() {
        const stopped = hub.stop();
        const deadline = setTimeout(() => void hub.kill(), 15_000);
        await stopped;
        clearTimeout(deadline);
        // The hub stops its agents before it exits; anything still running was left behind.
        const left = processesNaming(dataDir);
        for (const pid of left) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone meanwhile
          }
        }
        rmSync(dataDir, { recursive: true, force: true });
        return left;
      },
    };
  } catch (err) {
    for (const pid of processesNaming(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
