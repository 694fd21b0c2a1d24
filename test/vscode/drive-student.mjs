// A student's journey through the real VS Code UI, as a person would do it:
// sign in, open an assignment, edit a file and see it in the workspace
// through the terminal, run the tests, submit, see the score; then look at a
// file's earlier versions (the picker, the diff, a restore) and leave the
// workspace idle until the terminal says it is paused, and press a key to
// resume it. One screenshot per step under the shots folder; every step
// waits for what a person sees.

import { answerInput, command, launchBrowser, notification, stepRecorder } from './browser.mjs';
import { driveStudentRegrade } from './drive-regrade-requests.mjs';
import { driveGroup } from './drive-group.mjs';

const LONG = 120_000;

/** Pick the quick-pick row that contains `text`. */
async function pick(page, text) {
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
}

/** Wait for a notification containing `text` (a toast, or listed in the notification centre). */
const toast = (page, text, timeout = LONG) => notification(page, text, timeout);

async function workbench(page) {
  await page.locator('.monaco-workbench').waitFor({ timeout: LONG });
}

/** The Classpod view in the side bar, expanded. */
async function showClasspod(page) {
  const icon = page.locator('.activitybar .action-item .action-label[aria-label^="Classpod"]').first();
  await icon.waitFor({ timeout: LONG });
  const header = page.locator('.pane-header[aria-label^="Courses"]').first();
  if (!(await header.count())) await icon.click();
  await header.waitFor({ state: 'attached', timeout: 30_000 });
  if (!(await header.isVisible())) {
    // The only view of its container: VS Code hides its header and shows it expanded.
    const title = page.locator('.sidebar .composite.title', { hasText: /Classpod/i });
    if (!(await title.isVisible())) await icon.click();
    await title.waitFor({ timeout: 30_000 });
    return;
  }
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
}

/** Text on the terminal's screen (the DOM renderer). */
async function terminalText(page) {
  return page.locator('.terminal-wrapper.active .xterm-rows, .terminal-wrapper .xterm-rows').first().innerText().catch(() => '');
}

async function waitForTerminal(page, re, timeout = 60_000) {
  const until = Date.now() + timeout;
  for (;;) {
    const text = await terminalText(page);
    if (re.test(text)) return text;
    if (Date.now() > until) throw new Error(`the terminal never showed ${re}; it shows:\n${text}`);
    await page.waitForTimeout(250);
  }
}

/** The editor showing sum.c (the plain one, or the right side of a diff). */
const editorLines = (page) => page.locator('.editor-instance .monaco-editor .view-lines').last();

/**
 * A file's earlier versions: a second edit gives sum.c a newer state than the
 * first; the picker lists both, picking the older opens a diff against the
 * file now, and "Restore This Version" puts the older content back after
 * asking.
 */
async function driveEarlierVersions(page, step) {
  await step('versions-picker', async () => {
    await command(page, 'View: Close All Editors');
    await command(page, 'View: Show Explorer');
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'sum.c' }).first().dblclick();
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor({ timeout: 30_000 });
    await editor.click({ position: { x: 200, y: 10 } });
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('/* a second edit: e2e-second-edit */\n');
    await page.keyboard.press('Control+S');
    await page.locator('.statusbar-item', { hasText: 'Synced' }).waitFor({ timeout: LONG });
    // The course server records the edit moments after it syncs: look again until the picker holds both states.
    const widget = page.locator('.quick-input-widget', { has: page.locator('.quick-input-title', { hasText: 'Earlier versions of sum.c' }) });
    const until = Date.now() + LONG;
    for (;;) {
      await command(page, 'Classpod: Show Earlier Versions');
      await widget.waitFor({ state: 'visible', timeout: LONG });
      await widget.locator('.monaco-list-row', { hasText: 'same as your file now' }).first().waitFor({ timeout: 30_000 }).catch(() => undefined);
      if ((await widget.locator('.monaco-list-row', { hasText: 'same as your file now' }).count()) > 0 && (await widget.locator('.monaco-list-row').count()) >= 2) break;
      if (Date.now() > until) throw new Error('the picker never listed the second edit beside the first');
      await page.keyboard.press('Escape');
      await page.waitForTimeout(2000);
    }
  });

  await step('versions-diff', async () => {
    // The newest is the file now; the one below it holds the first edit only.
    await page.locator('.quick-input-widget .monaco-list-row').nth(1).click();
    const diff = page.locator('.monaco-diff-editor').first();
    await diff.waitFor({ timeout: 60_000 });
    await page.locator('.tab', { hasText: /sum\.c \(.* ↔ now\)/ }).first().waitFor({ timeout: 30_000 });
    // The second edit exists on the right (now) only: an inserted line.
    await diff.locator('.line-insert').first().waitFor({ timeout: 30_000 });
  });

  await step('versions-restored', async () => {
    // The diff's notification offers the restore (so does the diff editor's title bar).
    const offer = await notification(page, 'Right: your file now', 30_000);
    await offer.locator('.monaco-button', { hasText: 'Restore This Version' }).first().click();
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'Restore sum.c as it was at' });
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.locator('.monaco-button', { hasText: 'Restore' }).first().click();
    await notification(page, 'Restored sum.c as it was at', LONG);
    await page.keyboard.press('Escape');
    await command(page, 'View: Close All Editors');
    await command(page, 'View: Show Explorer');
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'sum.c' }).first().dblclick();
    const lines = editorLines(page);
    await lines.waitFor({ timeout: 30_000 });
    const until = Date.now() + 60_000;
    for (;;) {
      const text = await lines.innerText();
      if (!text.includes('e2e-second-edit') && text.includes('e2e-edit-marker')) break;
      if (Date.now() > until) throw new Error(`sum.c does not show the restored content:\n${text.slice(0, 400)}`);
      await page.waitForTimeout(250);
    }
    await page.locator('.statusbar-item', { hasText: 'Synced' }).waitFor({ timeout: LONG });
  });
}

/**
 * The paused terminal: nobody works for the course's idle time, the hub stops
 * the workspace and the terminal says so; a key starts it again and the shell
 * answers. The restored file is in the workspace too.
 */
async function drivePausedTerminal(page, step, idleMinutes, setIdle) {
  const paused = new RegExp(`workspace paused after ${idleMinutes} min idle — press a key to resume`);
  await step('terminal-paused', async () => {
    // Only now the course's idle time becomes short, as a professor could set it (`classpod-hub course idle`).
    await setIdle();
    await command(page, 'View: Close All Editors');
    await command(page, 'Terminal: Focus Terminal');
    await page.locator('.terminal-wrapper .xterm-rows').first().waitFor({ timeout: 60_000 });
    // The idle time, then up to a minute until the hub's next look for idle workspaces, and some slack.
    await waitForTerminal(page, paused, (idleMinutes + 3) * 60_000);
  });

  await step('terminal-resumed', async () => {
    await page.locator('.terminal-wrapper .xterm').first().click();
    await page.keyboard.press('Enter');
    // A new shell after the paused line; then it answers.
    await waitForTerminal(page, new RegExp(`${paused.source}[\\s\\S]*[$#]\\s*$`, 'm'), LONG);
    await page.keyboard.type('grep -c e2e-second-edit sum.c; echo resumed-$((6*7))');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /^0\s*$[\s\S]*resumed-42/m, LONG);
  });
}

/**
 * Drive the journey. `hubUrl` and `token` sign in; `startFolder` is opened
 * first; screenshots go to `shots`. Returns the steps that passed. Without
 * a grading worker (`expectGrade` false) the journey ends at the receipt.
 */
export async function driveStudent({ baseUrl, hubUrl, token, startFolder, shots, log, expectGrade = true, submissionLimit, idleMinutes, setIdle, answerRegrade, teammateToken }) {
  const browser = await launchBrowser();
  const { page } = browser;
  const { steps, step } = stepRecorder(page, shots, log);
  page.on('pageerror', (e) => log(`pageerror: ${e.message}`));
  try {
    await step('classpod-view', async () => {
      await page.goto(`${baseUrl}/?folder=${encodeURIComponent(startFolder)}`);
      await workbench(page);
      await showClasspod(page);
      await page.locator('.welcome-view-content', { hasText: 'Connect to your course server' }).waitFor({ timeout: 30_000 });
    });

    await step('sign-in-address-unreachable', async () => {
      // The address is checked before the token is asked for, and a wrong one can be changed.
      await command(page, 'Classpod: Sign In');
      await answerInput(page, 'Classpod: Sign In (1/2)', 'http://127.0.0.1:9');
      const t = await toast(page, 'does not answer', 60_000);
      await t.locator('.monaco-button', { hasText: 'Change Address' }).waitFor({ timeout: 10_000 });
      await t.locator('.monaco-button', { hasText: 'Retry' }).waitFor({ timeout: 10_000 });
      if (await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Classpod: Sign In (2/2)' }).isVisible()) throw new Error('the token was asked for before the address answered');
      await t.locator('.monaco-button', { hasText: 'Change Address' }).click();
      await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Classpod: Sign In (1/2)' }).waitFor({ timeout: 15_000 });
      await page.keyboard.press('Escape');
    });
    await command(page, 'Notifications: Clear All Notifications');

    await step('sign-in-refused', async () => {
      await command(page, 'Classpod: Sign In');
      await answerInput(page, 'Classpod: Sign In (1/2)', hubUrl);
      await answerInput(page, 'Classpod: Sign In (2/2)', 'cp_this-token-was-never-issued');
      const t = await toast(page, 'refused your token', 60_000);
      await t.locator('.monaco-button', { hasText: 'Retry' }).waitFor({ timeout: 10_000 });
      await t.locator('.monaco-button', { hasText: 'Enter Another Token' }).waitFor({ timeout: 10_000 });
    });
    await command(page, 'Notifications: Clear All Notifications');

    await step('signed-in', async () => {
      await command(page, 'Classpod: Sign In');
      await answerInput(page, 'Classpod: Sign In (1/2)', hubUrl);
      await answerInput(page, 'Classpod: Sign In (2/2)', token);
      await toast(page, 'Signed in to Classpod as Ada Lovelace');
      await page.locator('.monaco-list-row', { hasText: 'Sum and mean (C)' }).waitFor({ timeout: 30_000 });
      await page.locator('.monaco-list-row', { hasText: 'Introduction to Programming (demo)' }).waitFor();
    });

    await step('assignment-open', async () => {
      await command(page, 'Classpod: Open Assignment');
      await pick(page, 'Sum and mean (C)');
      await pick(page, 'suggested');
      // The window reloads into the assignment folder.
      await page.waitForURL(/folder=.*c-sum/, { timeout: LONG });
      await workbench(page);
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'sum.c' }).waitFor({ timeout: LONG });
      await page.locator('.statusbar-item', { hasText: 'Synced' }).waitFor({ timeout: LONG });
    });

    await step('description-shown', async () => {
      // Opening an assignment shows its description (the folder's .classpod/README.md) as a preview.
      await page.locator('.tabs-container .tab', { hasText: 'Preview README.md' }).first().waitFor({ timeout: 60_000 });
      await page.locator('.tabs-container .tab', { hasText: 'Preview README.md' }).first().click();
    });

    await step('file-edited', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'sum.c' }).first().dblclick();
      const editor = page.locator('.editor-instance .monaco-editor').first();
      await editor.waitFor({ timeout: 30_000 });
      await editor.click({ position: { x: 200, y: 10 } });
      await page.keyboard.press('Control+Home');
      await page.keyboard.type('/* edited in VS Code: e2e-edit-marker */\n');
      await page.keyboard.press('Control+S');
      await page.locator('.statusbar-item', { hasText: 'Synced' }).waitFor({ timeout: LONG });
    });

    await step('state-in-progress', async () => {
      // The edit reached the workspace: the Courses view says so without a Refresh.
      await showClasspod(page);
      await page.locator('.monaco-list-row', { hasText: /Sum and mean \(C\).*in progress/ }).first().waitFor({ timeout: 60_000 });
    });

    await step('late-days-shown', async () => {
      // The course gives every student 2 late days (stack.mjs): the countdown and the assignment's row say so.
      await page.locator('.part.statusbar .statusbar-item', { hasText: /\d.* · 2 late days left/ }).first().waitFor({ timeout: 60_000 });
      await page.locator('.monaco-list-row', { hasText: /Sum and mean \(C\).*in progress · 2 late days left/ }).first().waitFor({ timeout: 60_000 });
    });

    await step('terminal-echo', async () => {
      await command(page, 'Classpod: Open Workspace Terminal');
      await page.locator('.terminal-wrapper .xterm-rows').first().waitFor({ timeout: 60_000 });
      await waitForTerminal(page, /[$#]\s*$/m);
      await page.locator('.terminal-wrapper .xterm').first().click();
      // The save syncs within moments; the shell waits for it as a person would look again.
      await page.keyboard.type('for i in $(seq 150); do grep -q e2e-edit-marker sum.c && break; sleep 0.2; done; grep -c e2e-edit-marker sum.c; echo echo-$((6*7))');
      await page.keyboard.press('Enter');
      await waitForTerminal(page, /^1\s*$[\s\S]*echo-42/m);
      // The prompt calls the student by name, not by the account the workspace runs under.
      await waitForTerminal(page, /ada@classpod:/);
    });

    await step('tests-run', async () => {
      await command(page, 'Test: Run All Tests');
      await command(page, 'View: Show Testing');
      const root = page.locator('.test-explorer .monaco-list-row', { hasText: 'Sum and mean (C)' }).first();
      await root.waitFor({ timeout: LONG });
      await page.locator('.test-explorer .monaco-list-row .codicon-testing-failed-icon').first().waitFor({ timeout: LONG });
    });

    await step('walkthrough-tests-step', async () => {
      // The walkthrough's test step says the third profile is a submission, not a run of the public tests.
      await command(page, 'Welcome: Open Walkthrough');
      await pick(page, 'Get started with Classpod');
      const testsStep = page.locator('.getting-started-step', { hasText: 'Run the public tests' }).first();
      await testsStep.waitFor({ timeout: 30_000 });
      // Running the tests (the step before) ticked the step.
      await page.locator('.getting-started-step[aria-checked="true"]', { hasText: 'Run the public tests' }).first().waitFor({ timeout: 30_000 });
      await testsStep.click();
      await page.locator('.getting-started-step', { hasText: 'is a real submission' }).first().waitFor({ timeout: 15_000 });
    });

    await step('go-to-test', async () => {
      await command(page, 'View: Show Testing');
      // A failed test opens at its own lines of spec.json, with a readable message beside it.
      const root = page.locator('.test-explorer .monaco-list-row', { hasText: 'Sum and mean (C)' }).first();
      if ((await root.getAttribute('aria-expanded')) === 'false') await root.click();
      const failed = page.locator('.test-explorer .monaco-list-row[aria-level="2"]', { has: page.locator('.codicon-testing-failed-icon') }).first();
      await failed.waitFor({ timeout: 30_000 });
      const name = (await failed.locator('.label-name, .monaco-icon-label-container .label-name').first().innerText().catch(() => '')).trim();
      // Go to Test (its key, as the test's context menu shows it).
      await failed.click();
      await page.keyboard.press('Alt+Enter');
      await page.locator('.tabs-container .tab.active', { hasText: 'spec.json' }).first().waitFor({ timeout: 30_000 });
      const position = page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first();
      await position.waitFor({ timeout: 15_000 });
      const line = Number(/Ln (\d+)/.exec(await position.innerText())[1]);
      if (line <= 1) throw new Error(`Go to Test opened spec.json at line ${line}, not at the test${name ? ` ${name}` : ''}`);
      // The message beside the test: the grader's words and the time, not "expected != actual".
      const inline = page.locator('.editor-instance .monaco-editor', { hasText: /Wrong answer: .* · \d+ ms/ }).first();
      await inline.waitFor({ timeout: 30_000 });
      if (await page.locator('.editor-instance .monaco-editor', { hasText: / != / }).count()) throw new Error('the inline message reads "expected != actual"');
    });

    await step('submitted', async () => {
      await command(page, 'Classpod: Submit Assignment');
      const dialog = page.locator('.monaco-dialog-box', { hasText: 'Submit “Sum and mean (C)”?' });
      await dialog.waitFor({ timeout: 30_000 });
      await dialog.locator('.monaco-button', { hasText: 'Submit' }).first().click();
      // It follows the sync and submit progress within moments: often not a toast of its own.
      await toast(page, 'Submitted “Sum and mean (C)”');
    });

    if (submissionLimit === undefined) log('step: submissions-left — skipped: this hub sets no attempt limit');
    else await step('submissions-left', async () => {
      // The receipt and the assignment's row say what the hub counted: one of the limit used.
      const left = `${submissionLimit - 1} of ${submissionLimit} submissions left`;
      await command(page, 'Notifications: Show Notifications');
      await page.locator('.notifications-center .notification-list-item', { hasText: left }).first().waitFor({ state: 'visible', timeout: 60_000 });
      await showClasspod(page);
      await page.locator('.monaco-list-row', { hasText: new RegExp(`Sum and mean \\(C\\).*${left}`) }).first().waitFor({ timeout: 60_000 });
    });

    if (!expectGrade) log('step: graded — skipped: no grading worker runs in this stack');
    else await step('graded', async () => {
      // Toasts hide after a while; the notification centre keeps every one.
      await command(page, 'Notifications: Show Notifications');
      await page
        .locator('.notifications-center .notification-list-item', { hasText: '“Sum and mean (C)” graded:' })
        .first()
        .waitFor({ state: 'visible', timeout: 300_000 });
      await showClasspod(page);
      await page.locator('.monaco-list-row', { hasText: /Sum and mean \(C\).*graded \d/ }).waitFor({ timeout: 60_000 });
    });

    // Regrade requests: Ada asks about a test of her graded work; the staff's answer reaches her as a notification.
    if (expectGrade && answerRegrade) await driveStudentRegrade({ page, step, answer: answerRegrade });
    await driveEarlierVersions(page, step);
    if (idleMinutes === undefined || !setIdle) log('step: terminal-paused — skipped: this stack cannot shorten the course\'s idle time');
    else await drivePausedTerminal(page, step, idleMinutes, setIdle);
    // Last: it opens another assignment (the window reloads into its folder).
    if (!teammateToken) log('step: group-shown — skipped: this stack has no group assignment');
    else await driveGroup(page, step, { hubUrl, teammateToken, pick, showClasspod, workbench });
  } finally {
    await browser.close();
  }
  return steps;
}
