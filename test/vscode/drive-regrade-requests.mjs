// Regrade requests in the real VS Code UI, as steps of the professor's
// journey: Ada, signed in, right-clicks her graded assignment in the Courses
// view, chooses Request Regrade…, says it is about the whole submission,
// writes her message and confirms; the row reads "regrade requested". Alan
// signs in and finds the course's "Regrade Requests (1)" row in the Cluster
// view with Ada's request under it (its hover holds her message), answers it
// with Answer…: a message, then "Override and close" with a score; the row
// leaves and the count reads 0. Ada signs in again: her row reads "regrade
// answered" and Show Results ends with Alan's answer. The student journey's
// part (driveStudentRegrade): Ada asks about one test from the command
// palette, and the answer reaches her as a notification while she works.

import { once } from 'node:events';
import { AnswerRegradeRequestRequest, ListRegradeRequestsRequest, RpcEndpoint } from '@classpod/protocol';
import WebSocket from 'ws';
import { answerInput, command, notification } from './browser.mjs';

const LONG = 60_000;
export const REGRADE_MESSAGE = 'The mean of 3 and 4 is 3.5: my rounding follows the statement.';
export const REGRADE_ANSWER = 'You are right: the statement allows either rounding.';

/** A row of the pane whose header matches `header`. */
const paneOf = (page, header) => page.locator('.pane', { has: page.locator('.pane-header', { hasText: header }) }).first();

async function expandedPane(page, header) {
  const h = page.locator('.pane-header', { hasText: header }).first();
  await h.waitFor({ timeout: 30_000 });
  if ((await h.getAttribute('aria-expanded')) !== 'true') await h.click();
  return paneOf(page, header);
}

/** The Classpod side bar, shown; with only the Courses view VS Code hides its header ("Classpod: Courses"). */
async function showClasspod(page) {
  const icon = page.locator('.activitybar .action-item a[aria-label^="Classpod"], .activitybar .action-item .action-label[aria-label^="Classpod"]').first();
  await icon.waitFor({ timeout: LONG });
  const title = page.locator('.part.sidebar .composite.title', { hasText: /classpod/i }).first();
  if (!(await title.isVisible().catch(() => false))) await icon.click();
  await title.waitFor({ timeout: 30_000 });
}

/** The hover on screen that holds `text`. */
const hoverWith = (page, text) => page.locator('.monaco-hover, .custom-hover, .workbench-hover', { hasText: text }).first();

/** A row of the Courses view (in the side bar: a student's has no Cluster view beside it). */
const courseRow = (page, text) => page.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();

async function signIn(page, hubUrl, token, name) {
  await command(page, 'Notifications: Clear All Notifications').catch(() => undefined);
  await command(page, 'Classpod: Sign In');
  await answerInput(page, 'Classpod: Sign In (1/2)', hubUrl);
  await answerInput(page, 'Classpod: Sign In (2/2)', token);
  await notification(page, `Signed in to Classpod as ${name}`, LONG);
}

/** Pick the quick pick row holding `text`. */
async function pick(page, text) {
  const r = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
  await r.waitFor({ state: 'visible', timeout: 30_000 });
  await r.click();
}

export async function driveRegradeRequests({ page, step, hubUrl, tokens }) {
  await step('student-requests-regrade', async () => {
    await command(page, 'Notifications: Clear All Notifications').catch(() => undefined);
    await showClasspod(page);
    const sum = courseRow(page, /Sum and mean \(C\).*graded/);
    await sum.waitFor({ timeout: LONG });
    await sum.click({ button: 'right' });
    const item = page.locator('.context-view .monaco-menu .action-label', { hasText: 'Request Regrade…' }).first();
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    // The menu has the keyboard: its one item, then Enter (as a person using the keyboard would).
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const whole = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'The whole submission' }).first();
    await whole.waitFor({ state: 'visible', timeout: 10_000 }).catch(async () => {
      if (await item.isVisible()) await item.click();
    });
    await pick(page, 'The whole submission');
    await answerInput(page, 'Request a regrade of “Sum and mean (C)”', REGRADE_MESSAGE);
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'Ask the staff to regrade “Sum and mean (C)”?' });
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.locator('.monaco-button', { hasText: 'Request Regrade' }).first().click();
    await notification(page, 'Regrade requested for “Sum and mean (C)”', LONG);
    const requested = courseRow(page, /Sum and mean \(C\).*regrade requested/);
    await requested.waitFor({ timeout: LONG });
    // The hover has her message.
    await requested.hover();
    await hoverWith(page, 'Regrade requested: “The mean of 3 and 4 is 3.5').waitFor({ timeout: 15_000 });
  });

  let cluster;
  await step('professor-regrade-queue', async () => {
    await signIn(page, hubUrl, tokens.turing, 'Alan Turing');
    await showClasspod(page);
    cluster = await expandedPane(page, /^Cluster/);
    const queue = cluster.locator('.monaco-list-row', { hasText: /^Regrade Requests \(1\)/ }).first();
    await queue.waitFor({ timeout: LONG });
    if ((await queue.getAttribute('aria-expanded')) === 'false') await queue.click();
    const request = cluster.locator('.monaco-list-row', { hasText: /Ada Lovelace.*Sum and mean \(C\) · (just now|\d+ min)/ }).first();
    await request.waitFor({ timeout: LONG });
    // The message is in the row's hover.
    await request.hover();
    await hoverWith(page, 'my rounding follows the statement').waitFor({ timeout: 15_000 });
  });

  await step('professor-answers-regrade', async () => {
    await command(page, 'Notifications: Clear All Notifications').catch(() => undefined);
    const request = cluster.locator('.monaco-list-row', { hasText: /Ada Lovelace.*Sum and mean \(C\)/ }).first();
    await request.hover();
    const answer = request.locator('.action-label[aria-label^="Answer"]').first();
    await answer.waitFor({ state: 'visible', timeout: 10_000 });
    await answer.click();
    await answerInput(page, "Answer Ada Lovelace's regrade request", REGRADE_ANSWER);
    await pick(page, 'Override and close');
    await answerInput(page, "New score for Ada Lovelace's submission", '10');
    await notification(page, "Answered Ada Lovelace's regrade request; the score is now 10.", LONG);
    await cluster.locator('.monaco-list-row', { hasText: /^Regrade Requests \(0\)/ }).first().waitFor({ timeout: LONG });
    await cluster.locator('.monaco-list-row', { hasText: /Ada Lovelace.*Sum and mean \(C\) · / }).first().waitFor({ state: 'detached', timeout: LONG });
  });

  await step('student-sees-regrade-answer', async () => {
    await signIn(page, hubUrl, tokens.ada, 'Ada Lovelace');
    await showClasspod(page);
    const answered = courseRow(page, /Sum and mean \(C\).*regrade answered.*graded \d+(\.\d+)?\/\d+ \(set by your professor\)/);
    await answered.waitFor({ timeout: LONG });
    await command(page, 'Classpod: Show Results');
    await page.locator('.part.panel .view-lines', { hasText: `Answer from Alan Turing (score set to 10)` }).first().waitFor({ timeout: 30_000 });
    // The row's hover gives the answer too.
    await answered.hover();
    await hoverWith(page, 'Answer from Alan Turing (score set to 10)').waitFor({ timeout: 15_000 });
  });
}

/** Answer every open request of cs101 through the hub's API as a member of staff (`token`); resolves with how many. */
export async function answerOpenRequests(hubUrl, token, message) {
  const ws = new WebSocket(hubUrl.replace(/^http/, 'ws') + '/v1/connect', { headers: { authorization: `Bearer ${token}` } });
  await once(ws, 'open');
  const hub = new RpcEndpoint(ws, { role: 'client', requestTimeoutMs: 60_000 });
  try {
    await hub.hello({ capabilities: [], client: { name: 'classpod-e2e-staff', version: '0' } });
    const { requests } = await hub.request(ListRegradeRequestsRequest.type, { courseId: 'cs101' });
    for (const r of requests) await hub.request(AnswerRegradeRequestRequest.type, { requestId: r.id, message, action: 'close' });
    return requests.length;
  } finally {
    hub.close();
    ws.terminate();
  }
}

/**
 * The student journey's part: Ada asks from the command palette about one
 * test of her graded submission; while she is signed in, a member of staff
 * answers (through the hub, by `answer()`), and a notification gives her the
 * answer, her row reading "regrade answered" without a Refresh.
 */
export async function driveStudentRegrade({ page, step, answer }) {
  let test;
  await step('regrade-requested-about-a-test', async () => {
    await command(page, 'Notifications: Clear All Notifications').catch(() => undefined);
    await command(page, 'Classpod: Request Regrade…');
    await pick(page, 'Sum and mean (C)');
    // The tests of her result follow "The whole submission": she picks the first.
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.nth(1).waitFor({ state: 'visible', timeout: 30_000 });
    test = (await rows.nth(1).innerText()).trim().split('\n')[0];
    await rows.nth(1).click();
    await answerInput(page, 'Request a regrade of “Sum and mean (C)”', REGRADE_MESSAGE);
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'Ask the staff to regrade “Sum and mean (C)”?' });
    await dialog.waitFor({ timeout: 30_000 });
    if (!(await dialog.innerText()).includes(`About ${test}`)) throw new Error(`the confirmation does not name the test ${test}`);
    await dialog.locator('.monaco-button', { hasText: 'Request Regrade' }).first().click();
    await notification(page, 'Regrade requested for “Sum and mean (C)”', LONG);
    await page.locator('.monaco-list-row', { hasText: /Sum and mean \(C\).*regrade requested/ }).first().waitFor({ timeout: LONG });
  });
  await step('regrade-answer-notified', async () => {
    if ((await answer()) !== 1) throw new Error('the staff found no open request to answer');
    await notification(page, `answered your regrade request on “Sum and mean (C)”: ${REGRADE_ANSWER}`, LONG);
    await page.locator('.monaco-list-row', { hasText: /Sum and mean \(C\).*regrade answered/ }).first().waitFor({ timeout: LONG });
  });
}
