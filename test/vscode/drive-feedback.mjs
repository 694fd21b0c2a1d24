// Feedback on code in the real VS Code UI, as steps of the professor's
// journey: the professor opens Ada's submitted sum.c from the Cluster view,
// puts the cursor on a line, starts a comment there (VS Code's own "Add
// Comment on Current Selection"), types it and sends it with Add Comment;
// later Ada, signed in, opens the assignment into a folder of her own and
// finds the thread on the same line of her sum.c, with no way to reply.

import { command } from './browser.mjs';

const LONG = 60_000;
export const FEEDBACK_TEXT = 'Line 3: read both numbers before you add them.';

/** A thread's widget in the editor that holds `text`. */
const threadWith = (page, text) => page.locator('.review-widget', { hasText: text }).first();

export async function writeFeedback({ page, step, pane }) {
  await step('feedback-written', async () => {
    await pane.locator('.monaco-list-row', { hasText: /^sum\.c/ }).first().click();
    const editor = page.locator('.editor-instance .monaco-editor', { has: page.locator('.view-lines', { hasText: 'main' }) }).first();
    await editor.waitFor({ timeout: LONG });
    // The cursor on line 3 (Ctrl+G, then the line number).
    await editor.click({ position: { x: 200, y: 10 } });
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.type('3');
    await page.keyboard.press('Enter');
    await command(page, 'Comments: Add Comment on Current Selection');
    const form = page.locator('.review-widget .comment-form').first();
    await form.waitFor({ state: 'visible', timeout: LONG });
    await form.locator('.monaco-editor').first().click();
    await page.keyboard.type(FEEDBACK_TEXT);
    await page.locator('.review-widget').first().getByRole('button', { name: 'Add Comment' }).first().click();
    const thread = threadWith(page, FEEDBACK_TEXT);
    await thread.locator('.review-comment', { hasText: 'Alan Turing' }).first().waitFor({ timeout: LONG });
  });
}

export async function readFeedbackAsStudent({ page, step }) {
  await step('feedback-seen-by-student', async () => {
    await command(page, 'Classpod: Open Assignment');
    const pick = async (text) => {
      const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      await row.click();
    };
    await pick('Sum and mean (C)');
    await pick('suggested');
    // The window reloads into the assignment folder.
    await page.waitForURL(/folder=.*c-sum/, { timeout: LONG });
    await page.locator('.monaco-workbench').waitFor({ timeout: LONG });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'sum.c' }).first().waitFor({ timeout: LONG });
    await page.locator('.statusbar-item', { hasText: 'Synced' }).waitFor({ timeout: LONG });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'sum.c' }).first().dblclick();
    const thread = threadWith(page, FEEDBACK_TEXT);
    await thread.waitFor({ timeout: LONG });
    await thread.locator('.review-comment', { hasText: 'Alan Turing' }).first().waitFor({ timeout: LONG });
    await thread.locator('.review-title, .comment-thread-title, .head', { hasText: /Feedback on your latest submission/ }).first().waitFor({ timeout: LONG });
    if (await thread.locator('.comment-form textarea, .comment-form .monaco-editor').count()) {
      if (await thread.locator('.comment-form').first().isVisible()) throw new Error('the student is offered a reply box');
    }
  });
}
