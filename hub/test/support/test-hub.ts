// A hub for integration tests: a fresh data folder, the demo course from
// examples/ loaded against the hub's clock, people in every role, a token
// each, and a grader token. `close()` stops everything and removes the folder.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLogger, type Logger } from '@classpod/observability';
import { enrolPerson, setUpCourseFolder } from '../../src/admin/course-setup';
import { startHub, type Hub } from '../../src/hub';
import type { HubOptions } from '../../src/config';
import type { Role } from '../../src/store/records';
import { AGENT_SCRIPT } from './agent-program';
import { TestClient } from './test-client';
import { bestSandbox } from './test-worker';

/** The repository's demo course. */
export const DEMO_COURSE_DIR = resolve(__dirname, '../../../../examples/demo-course');

/** Who is who in a test hub. */
export const PEOPLE: Array<{ id: string; name: string; course: string; role: Role }> = [
  { id: 'prof', name: 'Prof. Ada', course: 'cs101', role: 'professor' },
  { id: 'tara', name: 'Tara (assistant)', course: 'cs101', role: 'assistant' },
  { id: 'alice', name: 'Alice', course: 'cs101', role: 'student' },
  { id: 'bob', name: 'Bob', course: 'cs101', role: 'student' },
  { id: 'carol', name: 'Carol', course: 'cs101', role: 'student' },
  { id: 'olga', name: 'Prof. Olga', course: 'cs202', role: 'professor' },
  { id: 'dave', name: 'Dave', course: 'cs202', role: 'student' },
];

export interface TestHub {
  hub: Hub;
  dataDir: string;
  /** Token per person id, plus `grader`. */
  tokens: Record<string, string>;
  connect(person: string, path?: string): Promise<TestClient>;
  close(): Promise<void>;
}

/** Log lines of a test hub go here when CLASSPOD_TEST_LOG is set; else nowhere. */
export function testLogger(): Logger {
  return createLogger({ name: 'hub', level: process.env.CLASSPOD_TEST_LOG ? 'debug' : 'silent' });
}

export async function startTestHub(options: Partial<HubOptions> = {}): Promise<TestHub> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'classpod-hub-test-'));
  const clients: TestClient[] = [];
  let hub: Hub | undefined;
  try {
    hub = await startHub({
      dataDir,
      port: 0,
      isolation: 'none',
      agentScript: AGENT_SCRIPT,
      logger: testLogger(),
      leaseSweepMs: 200,
      deadlinePollMs: 3_600_000,
      // Test workers grade in the best sandbox this machine has (local, else none).
      officialSandboxes: [bestSandbox()],
      ...options,
    });
    const tokens: Record<string, string> = {};
    if (!(await hub.store.courses.get('cs101'))) {
      await setUpCourseFolder(hub.store, hub.blobs, hub.context.resolveSpec, DEMO_COURSE_DIR, hub.clock.now());
      await hub.store.courses.upsert({ id: 'cs202', title: 'Data structures' });
      for (const p of PEOPLE) await enrolPerson(hub.store, p.course, { id: p.id, name: p.name }, p.role);
    }
    for (const p of PEOPLE) tokens[p.id] = (await hub.tokens.issue({ personId: p.id, scopes: ['hub'] })).token;
    tokens.grader = (await hub.tokens.issue({ scopes: ['grader'], label: 'test worker' })).token;
    const h = hub;
    return {
      hub: h,
      dataDir,
      tokens,
      async connect(person, path) {
        const c = await TestClient.connect(h.url, tokens[person], path);
        clients.push(c);
        return c;
      },
      async close() {
        for (const c of clients) c.close();
        await h.close();
        if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await hub?.close();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** Lay out the workspaces of these students (or group work owners) in cs101 and record their first versions, as opening them would. */
export async function layOutWorkspaces(t: TestHub, owners: readonly string[]): Promise<void> {
  for (const o of owners) {
    await t.hub.context.workspaces.writeLayout({ courseId: 'cs101', studentId: o });
    await t.hub.versionWatcher.flush({ courseId: 'cs101', studentId: o });
  }
}
