// Live help in the real VS Code UI, as steps of the professor's journey:
// Grace, a student, raises her hand with Classpod: Raise Hand (the assignment
// picked, her question typed) and the status bar says where she is in the
// queue; then the professor finds the course's Help Queue in the Cluster
// view — Ada's hand, raised by the seed with her failing test attached, and
// Grace's — follows Ada's (her live sum.c opens read-only and a terminal in
// her workspace opens) and ends it.

import { answerInput, command, notification } from './browser.mjs';

const LONG = 60_000;
export const HELP_QUESTION = 'My mean is off by one for negative numbers.';

export async function raiseHandAsStudent({ page, step }) {
  await step('student-raises-hand', async () => {
    await command(page, 'Classpod: Raise Hand');
    const choice = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Sum and mean (C)' }).first();
    await choice.waitFor({ state: 'visible', timeout: 30_000 });
    await choice.click();
    await answerInput(page, 'Raise Hand — c-sum', HELP_QUESTION);
    // Ada's hand (the seed's) came first: Grace is 2nd.
    await notification(page, /Hand raised — 2nd in queue/, LONG);
    await page.locator('.part.statusbar .statusbar-item', { hasText: 'Hand raised — 2nd in queue' }).first().waitFor({ timeout: LONG });
  });
}

/** A row of the pane under the Help Queue: the student's. */
const handRow = (pane, who) => pane.locator('.monaco-list-row', { hasText: new RegExp(`^${who}.*c-sum`) }).first();

export async function followHelp({ page, step, pane, inlineAction }) {
  await step('help-queue', async () => {
    await pane.locator('.monaco-list-row', { hasText: /^Help Queue \(2\)/ }).first().waitFor({ timeout: LONG });
    // One row per hand: the student, the assignment, the failing test and how long they have waited.
    await pane.locator('.monaco-list-row', { hasText: /^Ada Lovelace.*c-sum · ✗ .+ · waiting/ }).first().waitFor({ timeout: LONG });
    await pane.locator('.monaco-list-row', { hasText: /^Grace Hopper.*c-sum · waiting/ }).first().waitFor({ timeout: LONG });
  });

  await step('help-followed', async () => {
    await inlineAction(handRow(pane, 'Ada Lovelace'), 'Follow');
    // Her live file, read-only, and a terminal in her workspace.
    await page.locator('.tabs-container .tab', { hasText: 'sum.c' }).first().waitFor({ timeout: LONG });
    await page.locator('.editor-instance .view-lines', { hasText: 'main' }).first().waitFor({ timeout: LONG });
    await page.locator('.terminal-wrapper .xterm-rows', { hasText: /Entering Ada Lovelace \(help\)'s workspace/ }).first().waitFor({ timeout: LONG });
    await pane.locator('.monaco-list-row', { hasText: /^Ada Lovelace.*helped by Alan Turing/ }).first().waitFor({ timeout: LONG });
    await pane.locator('.monaco-list-row', { hasText: /^Help Queue \(1\)/ }).first().waitFor({ timeout: LONG });
  });

  await step('help-read-only', async () => {
    // Typing into the student's file changes nothing: the editor is read-only.
    const editor = page.locator('.editor-instance .monaco-editor', { has: page.locator('.view-lines', { hasText: 'main' }) }).first();
    await editor.click({ position: { x: 200, y: 10 } });
    await page.keyboard.type('XYZZY');
    await page.waitForTimeout(500);
    if (await page.locator('.editor-instance .view-lines', { hasText: 'XYZZY' }).count()) throw new Error("the professor could type into the student's live file");
  });

  await step('help-ended', async () => {
    await inlineAction(handRow(pane, 'Ada Lovelace'), 'End Help');
    await handRow(pane, 'Ada Lovelace').waitFor({ state: 'detached', timeout: LONG });
    await pane.locator('.monaco-list-row', { hasText: /^Help Queue \(1\)/ }).first().waitFor({ timeout: LONG });
    await command(page, 'View: Close All Editors').catch(() => undefined);
    // Folded away, so the rest of the journey has the tree as it was.
    const queue = pane.locator('.monaco-list-row', { hasText: /^Help Queue/ }).first();
    if ((await queue.getAttribute('aria-expanded')) === 'true') await queue.click();
  });
}
