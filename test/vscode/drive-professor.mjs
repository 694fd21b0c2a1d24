// The professor's journey through the real VS Code UI: a student sees no
// Cluster view; the professor signs in, walks the Cluster tree down to a
// submission, opens a file, compares it with the starter file and with her
// other submission, opens Ada's Versions and diffs a file against the version
// before, regrades and sees the new result, extends a deadline, exports the
// grades, applies a rubric item (drive-rubric.mjs) and sees the score change,
// is refused a score of 150/100, overrides the score with a comment,
// opens the gradebook (drive-gradebook.mjs) and filters the class with the
// view's button; then Ada, the student, sees the score with the comment in
// her Courses view and Show Results marks each of her tests ✔, hidden ones as
// "hidden test N of M", and lists the rubric item and the feedback thread;
// Ada asks for a regrade and Alan answers it from the course's Regrade
// Requests queue (drive-regrade-requests.mjs); Alan then moves an assignment's
// due time, creates a course, imports its roster through the preview and makes
// an invite (drive-course-admin.mjs). One screenshot per step; every step
// waits for what a person sees.

import { answerInput, command, launchBrowser, notification, stepRecorder } from './browser.mjs';
import { FEEDBACK_TEXT, readFeedbackAsStudent, writeFeedback } from './drive-feedback.mjs';
import { driveCourseAdmin, editDueTime } from './drive-course-admin.mjs';
import { driveGradebook } from './drive-gradebook.mjs';
import { driveRegradeRequests } from './drive-regrade-requests.mjs';
import { applyRubric, editRubric, RUBRIC_ITEM } from './drive-rubric.mjs';
import { driveSimilarity } from './drive-similarity.mjs';
import { seedCopiedSubmissions } from './professor-seed.mjs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
import { followHelp, raiseHandAsStudent } from './drive-help.mjs';

const LONG = 120_000;
/** A submission row: "Tue, 24 Nov 2026, 19:33 …". */
const SUBMISSION = /\d{4}, \d{2}:\d{2}/;

/** `text` as a pattern that any run of white space (the output panel's non-breaking spaces, padding) matches between its words. */
const loose = (text) => new RegExp(text.split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'));

/** Wait for a notification containing `text` (a toast, or listed in the notification centre). */
const toast = (page, text, timeout = 60_000) => notification(page, text, timeout);

async function clearToasts(page) {
  await command(page, 'Notifications: Clear All Notifications').catch(() => undefined);
}

async function signIn(page, hubUrl, token, name) {
  await command(page, 'Classpod: Sign In');
  await answerInput(page, 'Classpod: Sign In (1/2)', hubUrl);
  await answerInput(page, 'Classpod: Sign In (2/2)', token);
  await toast(page, `Signed in to Classpod as ${name}`);
}

/** The Classpod side bar, shown. */
async function showClasspod(page) {
  const icon = page.locator('.activitybar .action-item a[aria-label^="Classpod"], .activitybar .action-item .action-label[aria-label^="Classpod"]').first();
  await icon.waitFor({ timeout: LONG });
  // With one view in the container VS Code hides its header and titles the side bar "Classpod: Courses".
  const title = page.locator('.part.sidebar .composite.title', { hasText: /classpod/i }).first();
  if (!(await title.isVisible().catch(() => false))) await icon.click();
  await title.waitFor({ timeout: 30_000 });
}

/** The Cluster pane, expanded; returns a locator scoped to it. */
async function clusterPane(page) {
  const header = page.locator('.pane-header', { hasText: /^Cluster/ }).first();
  await header.waitFor({ timeout: 30_000 });
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^Cluster/ }) }).first();
}

/** A row of the Cluster tree whose text matches; waits for it. */
async function row(pane, text) {
  const r = pane.locator('.monaco-list-row', { hasText: text }).first();
  await r.waitFor({ state: 'visible', timeout: 30_000 });
  return r;
}

/** Expand a collapsed row. */
async function expand(pane, text) {
  const r = await row(pane, text);
  if ((await r.getAttribute('aria-expanded')) === 'false') await r.click();
  return r;
}

/** Click a row's inline action (shown on hover). */
async function inlineAction(r, title) {
  await r.hover();
  const action = r.locator(`.action-label[aria-label^="${title}"]`).first();
  await action.waitFor({ state: 'visible', timeout: 10_000 });
  await action.click();
}

export async function driveProfessor({ baseUrl, hubUrl, tokens, startFolder, shots, log }) {
  const browser = await launchBrowser();
  const { page } = browser;
  const { steps, step, shot } = stepRecorder(page, shots, log);
  page.on('pageerror', (e) => log(`pageerror: ${e.message}`));
  let pane;
  try {
    await step('student-sees-no-cluster', async () => {
      await page.goto(`${baseUrl}/?folder=${encodeURIComponent(startFolder)}`);
      await page.locator('.monaco-workbench').waitFor({ timeout: LONG });
      await showClasspod(page);
      await signIn(page, hubUrl, tokens.grace, 'Grace Hopper');
      await page.locator('.monaco-list-row', { hasText: 'Sum and mean (C)' }).first().waitFor({ timeout: 30_000 });
      if (await page.locator('.pane-header', { hasText: /^Cluster/ }).count()) throw new Error('a student sees the Cluster view');
      // A student has a deadline to count down to (the professor, below, has none).
      await page.locator('.part.statusbar [aria-label*="due in"]').first().waitFor({ timeout: 30_000 });
    });
    // Live help: Grace raises her hand (drive-help.mjs); the professor follows Ada's, below.
    await raiseHandAsStudent({ page, step });

    await step('professor-cluster', async () => {
      await clearToasts(page);
      await signIn(page, hubUrl, tokens.turing, 'Alan Turing');
      pane = await clusterPane(page);
      await row(pane, /^Cluster.*local/);
      await row(pane, 'Introduction to Programming (demo)');
      await row(pane, 'Workspaces');
    });
    await followHelp({ page, step, pane, inlineAction });

    await step('professor-has-no-student-chrome', async () => {
      // The course Alan teaches: its assignments show their due time, no "not started", no Submit, no countdown.
      const courses = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^Courses/ }) }).first();
      const sum = courses.locator('.monaco-list-row', { hasText: 'Sum and mean (C)' }).first();
      await sum.waitFor({ timeout: 30_000 });
      const deadline = Date.now() + 30_000;
      while (/not started|in progress/.test(await sum.innerText()) && Date.now() < deadline) await page.waitForTimeout(250);
      if (/not started|in progress|submitted/.test(await sum.innerText())) throw new Error(`the professor's Courses row reads like a student's: ${await sum.innerText()}`);
      await sum.hover();
      if (await sum.locator('.action-label[aria-label^="Submit"]').count()) throw new Error("the professor's Courses row offers Submit");
      await page.locator('.part.statusbar [aria-label*="due in"]').first().waitFor({ state: 'detached', timeout: 30_000 });
    });

    await step('workspace-usage', async () => {
      // Each running workspace shows the CPU and memory its processes use.
      await expand(pane, /^Workspaces/);
      await pane.locator('.monaco-list-row', { hasText: /running · .*\d+m? CPU · [\d.]+ (B|KiB|MiB|GiB)/ }).first().waitFor({ timeout: 60_000 });
    });

    await step('workspace-age-ticks', async () => {
      // A running workspace's age moves on by itself, with nobody pressing Refresh: its words change within a minute.
      const running = pane.locator('.monaco-list-row', { hasText: / · up / }).first();
      const age = async () => / · up ([^·]+)/.exec(await running.innerText())?.[1]?.trim();
      const first = await age();
      if (!first) throw new Error(`no age on the running workspace row: ${await running.innerText()}`);
      const deadline = Date.now() + 90_000;
      let now = first;
      while (now === first && Date.now() < deadline) {
        await page.waitForTimeout(1000);
        now = (await age()) ?? first;
      }
      if (now === first) throw new Error(`the workspace still reads "up ${first}" 90 s later`);
      log(`workspace age ticked: up ${first} → up ${now}`);
    });

    await step('tree-walked', async () => {
      await (await row(pane, /^Workspaces/)).click();
      await expand(pane, /^Assignments/);
      await expand(pane, 'Sum and mean (C)');
      await expand(pane, 'Ada Lovelace');
      // Ada's submissions, newest first, each labelled with its date and time.
      await expand(pane, SUBMISSION);
      await row(pane, 'Test results');
      await row(pane, /^sum\.c/);
    });

    await step('test-results', async () => {
      // Per-test rows appear once the grader has graded (the run may have no worker: then the row says queued).
      const results = await row(pane, 'Test results');
      if (/passed/.test(await results.innerText())) {
        await expand(pane, 'Test results');
        await row(pane, /Accepted|Wrong answer|Time limit exceeded|Runtime error/);
      } else if (!/queued|grading/.test(await results.innerText())) {
        throw new Error(`the Test results row says neither a verdict summary nor queued: ${await results.innerText()}`);
      }
    });

    await step('file-opened', async () => {
      await (await row(pane, /^sum\.c/)).click();
      await page.locator('.tabs-container .tab', { hasText: 'sum.c' }).first().waitFor({ timeout: 30_000 });
      await page.locator('.editor-instance .view-lines', { hasText: 'main' }).first().waitFor({ timeout: 30_000 });
    });

    await step('diff-with-starter', async () => {
      await inlineAction(await row(pane, /^sum\.c/), 'Compare with Starter File');
      await page.locator('.tabs-container .tab', { hasText: 'starter ↔ Ada Lovelace' }).first().waitFor({ timeout: 30_000 });
      await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 30_000 });
    });

    await step('diff-of-two-submissions', async () => {
      // Older on the left, newer on the right, both sides named by number and time.
      await inlineAction(await row(pane, /^sum\.c/), 'Compare with Another Submission');
      await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'an earlier or later submission' }).first().click({ timeout: 30_000 });
      await page.locator('.tabs-container .tab', { hasText: /sum\.c \(Ada Lovelace #1 · .*\d{2}:\d{2} ↔ Ada Lovelace #2 · .*\d{2}:\d{2}\)/ }).first().waitFor({ timeout: 30_000 });
      await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 30_000 });
    });

    await step('versions-diff', async () => {
      // "How did you get here": Ada's recorded versions, the newest changed sum.c (the seed wrote the solution over the starter).
      // The submission's rows make room for the versions.
      const submission = await row(pane, SUBMISSION);
      if ((await submission.getAttribute('aria-expanded')) === 'true') await submission.click();
      await expand(pane, /^Versions/);
      // The newest version's changes: sum.c changed (or added, when the hub first looked after the seed wrote it).
      await expand(pane, /\d+ (changed|added)/);
      await (await row(pane, /sum\.c\s*(changed|added)/)).click();
      await page.locator('.tabs-container .tab', { hasText: /sum\.c \(.+ ↔ .+\)/ }).first().waitFor({ timeout: 30_000 });
      await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 30_000 });
      await page.locator('.monaco-diff-editor .line-insert, .monaco-diff-editor .line-delete').first().waitFor({ timeout: 30_000 });
    });

    await step('regraded', async () => {
      await clearToasts(page);
      await inlineAction(await row(pane, SUBMISSION), 'Regrade Submission');
      // Not "queued": the new result, once the grader has graded it again, and the row marked.
      // A run whose in-host suite overrode Ada's score first reads "90/100 (overridden)".
      await toast(page, /Regraded Ada Lovelace's submission: \d+\/\d+( \(overridden\))?\./, 180_000);
      await pane.locator('.monaco-list-row', { hasText: /\d+\/\d+( \(overridden\))? · .*regraded/ }).first().waitFor({ timeout: 30_000 });
    });

    await step('deadline-extended', async () => {
      await clearToasts(page);
      await inlineAction(await row(pane, 'Ada Lovelace'), 'Extend Deadline for Student');
      await answerInput(page, 'New due time for Ada Lovelace', '+1d');
      await answerInput(page, 'Comment for the record', 'Illness.');
      // The same date format as every other date in Classpod: "Wed, 2 Dec 2026, 18:05 (Zone)".
      await toast(page, /Ada Lovelace is now due \w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} \(/);
    });

    await step('grades-exported', async () => {
      await clearToasts(page);
      await inlineAction(await row(pane, 'Sum and mean (C)'), 'Export Grades as CSV');
      // The save dialog suggests the hub's file name.
      const input = page.locator('.quick-input-widget input').first();
      await input.waitFor({ state: 'visible', timeout: 30_000 });
      const deadline = Date.now() + 15_000;
      let value = await input.inputValue();
      while (!/cs101-c-sum-grades\.csv$/.test(value) && Date.now() < deadline) {
        await page.waitForTimeout(200);
        value = await input.inputValue();
      }
      if (!/cs101-c-sum-grades\.csv$/.test(value)) throw new Error(`the save dialog suggests "${value}", not cs101-c-sum-grades.csv`);
      await page.keyboard.press('Enter');
      await toast(page, /Saved the grades of \d+ students? to /);
    });

    // Rubric: Apply Rubric… on Ada's submission, −5, the row's score changes (drive-rubric.mjs).
    await applyRubric({ page, step, row: (text) => row(pane, text), inlineAction, submission: SUBMISSION });
    // Edit Rubric… on the assignment's row: add an item (the input boxes refuse bad input), removing an applied one asks first.
    await editRubric({ page, step, row: (text) => row(pane, text), assignment: 'Sum and mean (C)' });

    await step('override-150-refused', async () => {
      await clearToasts(page);
      await inlineAction(await row(pane, SUBMISSION), 'Override Score');
      await answerInput(page, "Override the score of Ada Lovelace's submission", '150');
      await answerInput(page, 'Why?', 'Everything and more.');
      await toast(page, 'Could not override the score: score 150 is above the maximum of 100');
    });

    await step('score-overridden', async () => {
      await clearToasts(page);
      await inlineAction(await row(pane, SUBMISSION), 'Override Score');
      await answerInput(page, "Override the score of Ada Lovelace's submission", '8');
      await answerInput(page, 'Why?', 'Partial credit: the mean is rounded the wrong way.');
      await toast(page, 'Score set to 8');
      await row(pane, /Ada Lovelace.*8(\/\d+)? \(overridden\)/);
    });

    // The gradebook: open, sort, search, and a cell revealed in the tree (drive-gradebook.mjs).
    await driveGradebook({ page, step, pane });
    // Feedback on code: a comment on line 3 of Ada's sum.c (drive-feedback.mjs); she reads it at the end.
    await writeFeedback({ page, step, pane });
    // The similarity check of py-primes, which Ada copied from Grace (drive-similarity.mjs).
    await driveSimilarity({ page, step, pane, seed: () => seedCopiedSubmissions({ repo, hubUrl, tokens }) });

    await step('filtered', async () => {
      await clearToasts(page);
      // The view's own Filter button, as a person would use it (the palette command is the same).
      const header = page.locator('.pane-header', { hasText: /^Cluster/ }).first();
      await header.hover();
      await header.locator('.action-label[aria-label^="Filter Students and Workspaces"]').first().click({ timeout: 15_000 });
      await answerInput(page, 'Filter students and workspaces (1/2)', 'grace');
      await page.locator('.quick-input-title', { hasText: 'Filter students and workspaces (2/2)' }).waitFor({ timeout: 15_000 });
      await page.keyboard.press('Enter');
      await page.locator('.pane-header', { hasText: 'filter: name: grace' }).first().waitFor({ timeout: 15_000 });
      await pane.locator('.monaco-list-row', { hasText: 'Ada Lovelace' }).first().waitFor({ state: 'detached', timeout: 15_000 });
      await row(pane, 'Grace Hopper');
    });

    await step('student-sees-override', async () => {
      await command(page, 'Classpod: Clear Filter').catch(() => undefined);
      await clearToasts(page);
      await signIn(page, hubUrl, tokens.ada, 'Ada Lovelace');
      await page.locator('.monaco-list-row', { hasText: /Sum and mean \(C\).*graded 8\/100 \(set by your professor\)/ }).first().waitFor({ timeout: 60_000 });
    });

    await step('student-show-results', async () => {
      await command(page, 'Classpod: Show Results');
      // Ada has handed in py-primes too (the similarity steps): Show Results then asks which assignment.
      const which = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Sum and mean (C)' }).first();
      if (await which.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false)) await which.click();
      const output = page.locator('.part.panel .view-lines').first();
      await output.waitFor({ timeout: 30_000 });
      // The whole report on screen (the output panel renders only the lines it shows).
      await command(page, 'View: Toggle Maximized Panel');
      for (const text of [
        'Score set to 8/100',
        'Partial credit: the mean is rounded the wrong way.',
        // (the override line wraps in the panel: its first words)
        '(it replaces the tests',
        '✔ examples/small: Accepted — 15/15',
        '✔ hidden test 1 of 4: Accepted',
        // The rubric item applied, with its points and who applied it; the feedback thread at its file and line.
        'Rubric (−5 in all):',
        loose(`−5 ${RUBRIC_ITEM} — Alan Turing`),
        'Feedback on your code',
        loose(`sum.c:3 Alan Turing: ${FEEDBACK_TEXT}`),
      ]) {
        await page.locator('.part.panel .view-lines', { hasText: text }).first().waitFor({ timeout: 30_000 });
      }
      if (await page.locator('.part.panel .view-lines', { hasText: /✘/ }).count()) throw new Error('a test of the reference solution is marked ✘');
      await shot('student-show-results-whole-report');
      await command(page, 'View: Toggle Maximized Panel');
    });

    await readFeedbackAsStudent({ page, step });
    // Regrade requests: Ada asks, Alan answers from the course's queue, Ada reads the answer (drive-regrade-requests.mjs).
    await driveRegradeRequests({ page, step, hubUrl, tokens });

    // Course administration (drive-course-admin.mjs): Alan moves c-sum's due time, creates a course,
    // imports its roster through the preview, and makes an invite.
    await step('professor-signed-in-again', async () => {
      await clearToasts(page);
      await signIn(page, hubUrl, tokens.turing, 'Alan Turing');
      pane = await clusterPane(page);
      await expand(pane, /^Assignments/);
      await row(pane, 'Sum and mean (C)');
    });
    await editDueTime({ page, step, row: (text) => row(pane, text), assignment: { id: 'c-sum', title: 'Sum and mean (C)' } });
    await driveCourseAdmin({ page, step, pane, row: (text) => row(pane, text), expand: (text) => expand(pane, text), startFolder, log });
  } finally {
    await browser.close();
  }
  return steps;
}
