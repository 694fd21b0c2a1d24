// The group assignment of the student journey: a copy of the demo's c-sum
// made a group assignment (`group: { maxSize: 2 }`), with Ada and Grace in one
// group (set up through `classpod-hub assignment add` and `groups save`
// before the hub starts). In VS Code Ada sees "Group: Ada Lovelace, Grace
// Hopper" on it; Grace's edit, made through the group's workspace (her own
// connection to the gateway), reaches Ada's folder through sync; and Show
// Earlier Versions says the version is "by Grace Hopper".

import { once } from 'node:events';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileWriteRequest, ListVersionsRequest, RpcEndpoint } from '@classpod/protocol';
import WebSocket from 'ws';
import { command } from './browser.mjs';

export const GROUP_ASSIGNMENT = { id: 'pair-sum', title: 'Pair project (C)', group: 'pair' };
const GROUP_PATH = `/v1/workspaces/cs101--${GROUP_ASSIGNMENT.id}--${GROUP_ASSIGNMENT.group}/connect`;
const LONG = 180_000;

/** `startStack`'s setup: add the group assignment and form the group (returns no tokens). */
export function groupSetup(repo, dir) {
  return async (hub) => {
    const folder = join(dir, 'pair-sum');
    cpSync(join(repo, 'examples', 'demo-course', 'assignments', 'c-sum'), folder, { recursive: true });
    const yaml = readFileSync(join(folder, 'assignment.yaml'), 'utf8').replace(/^title: .*$/m, `title: ${GROUP_ASSIGNMENT.title}`);
    writeFileSync(join(folder, 'assignment.yaml'), `${yaml}\ngroup:\n  maxSize: 2\n`);
    await hub('assignment', 'add', '--course', 'cs101', '--folder', folder, '--id', GROUP_ASSIGNMENT.id);
    await hub('groups', 'save', '--course', 'cs101', '--assignment', GROUP_ASSIGNMENT.id, '--group', GROUP_ASSIGNMENT.group, '--members', 'ada,grace');
    return {};
  };
}

async function connect(hubUrl, path, token) {
  const ws = new WebSocket(hubUrl.replace(/^http/, 'ws') + path, { headers: { authorization: `Bearer ${token}` } });
  await once(ws, 'open');
  const endpoint = new RpcEndpoint(ws, { role: 'client', requestTimeoutMs: 120_000 });
  await endpoint.hello({ capabilities: ['files'], client: { name: 'classpod-e2e-teammate', version: '0' } });
  return endpoint;
}

/** Grace edits sum.c in the group's workspace; resolves once the hub recorded the version her edit made. */
export async function teammateEdits(hubUrl, token, text) {
  const agent = await connect(hubUrl, GROUP_PATH, token);
  const hub = await connect(hubUrl, '/v1/connect', token);
  try {
    const before = (await hub.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: GROUP_ASSIGNMENT.id, limit: 1 })).versions[0]?.id;
    await agent.request(FileWriteRequest.type, { path: `${GROUP_ASSIGNMENT.id}/sum.c`, contentBase64: Buffer.from(text).toString('base64'), createParents: true });
    const until = Date.now() + 120_000;
    for (;;) {
      const [v] = (await hub.request(ListVersionsRequest.type, { courseId: 'cs101', assignmentId: GROUP_ASSIGNMENT.id, limit: 1 })).versions;
      if (v && v.id !== before && v.authors?.some((a) => a.personId === 'grace')) return v;
      if (Date.now() > until) throw new Error('the hub recorded no version of the group by Grace within 2 min');
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    agent.close();
    hub.close();
  }
}

/** The group steps; `pick`, `showClasspod` and `workbench` are the student journey's. */
export async function driveGroup(page, step, { hubUrl, teammateToken, pick, showClasspod, workbench }) {
  await step('group-shown', async () => {
    await showClasspod(page);
    await page.locator('.monaco-list-row', { hasText: GROUP_ASSIGNMENT.title }).first().waitFor({ timeout: 60_000 });
    await page.locator('.monaco-list-row', { hasText: 'Group: Ada Lovelace, Grace Hopper' }).first().waitFor({ timeout: 60_000 });
  });

  await step('group-teammate-edit-synced', async () => {
    await teammateEdits(hubUrl, teammateToken, '/* written by Grace: e2e-teammate-edit */\n#include <stdio.h>\nint main(void) { return 0; }\n');
    await command(page, 'Classpod: Open Assignment');
    await pick(page, GROUP_ASSIGNMENT.title);
    await pick(page, 'suggested');
    await page.waitForURL(new RegExp(`folder=.*${GROUP_ASSIGNMENT.id}`), { timeout: LONG });
    await workbench(page);
    await page.locator('.statusbar-item', { hasText: 'Synced' }).waitFor({ timeout: LONG });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'sum.c' }).first().dblclick();
    const lines = page.locator('.editor-instance .monaco-editor .view-lines').last();
    await lines.waitFor({ timeout: 30_000 });
    const until = Date.now() + 60_000;
    for (;;) {
      if ((await lines.innerText()).includes('e2e-teammate-edit')) break;
      if (Date.now() > until) throw new Error("Grace's edit never reached Ada's folder");
      await page.waitForTimeout(250);
    }
  });

  await step('group-version-attributed', async () => {
    await command(page, 'Classpod: Show Earlier Versions');
    const widget = page.locator('.quick-input-widget', { has: page.locator('.quick-input-title', { hasText: 'Earlier versions of sum.c' }) });
    await widget.waitFor({ state: 'visible', timeout: LONG });
    await widget.locator('.monaco-list-row', { hasText: 'by Grace Hopper' }).first().waitFor({ timeout: 60_000 });
  });
}
