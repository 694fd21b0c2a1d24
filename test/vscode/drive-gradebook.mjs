// The professor's gradebook in the real VS Code UI, as steps of the
// professor's journey (drive-professor.mjs runs them once Ada's score is
// overridden): the Cluster view's title button opens the gradebook in the
// editor area; its cells show the override, the submissions and what was not
// handed in, and each assignment its counts; a click on a column heading
// sorts, typing in the search box narrows the class; and Enter on a cell
// reveals that submission in the Cluster tree. Every step waits for what a
// person sees, inside the webview's own frame.

import { command } from './browser.mjs';

const LONG = 60_000;
/** A submission row: "Tue, 24 Nov 2026, 19:33 …". */
const SUBMISSION = /\d{4}, \d{2}:\d{2}/;

/** The frame of the webview that shows the gradebook's table; waits for it. */
async function gradebookFrame(page, timeout = LONG) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (await frame.locator('table[aria-label="Gradebook"]').count().catch(() => 0)) return frame;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no webview showed the gradebook's table within ${timeout} ms`);
}

/** A cell of the gradebook. */
const cell = (frame, studentId, assignmentId) => frame.locator(`tr[data-student="${studentId}"] td.cell[data-assignment="${assignmentId}"]`);

/** Click an action of the Cluster view's title bar (shown while the pointer is over the view). */
async function titleAction(page, title) {
  const header = page.locator('.pane-header', { hasText: /^Cluster/ }).first();
  await header.hover();
  const action = header.locator(`.action-label[aria-label^="${title}"]`).first();
  await action.waitFor({ state: 'visible', timeout: 10_000 });
  await action.click();
}

export async function driveGradebook({ page, step, pane }) {
  let frame;

  await step('gradebook-opened', async () => {
    await command(page, 'Notifications: Clear All Notifications').catch(() => undefined);
    await titleAction(page, 'Open Gradebook');
    await page.locator('.tabs-container .tab', { hasText: 'Gradebook: Introduction to Programming (demo)' }).first().waitFor({ timeout: LONG });
    frame = await gradebookFrame(page);
    await frame.locator('#status', { hasText: '2 students' }).waitFor({ timeout: LONG });
    // Ada's latest submission carries the score set by hand; Grace handed in the starter file.
    await cell(frame, 'ada', 'c-sum').filter({ hasText: '8/100' }).locator('.mark.overridden').waitFor({ timeout: LONG });
    await frame.locator('tr[data-student="grace"] td.cell.handed-in[data-assignment="c-sum"]').waitFor({ timeout: LONG });
    await cell(frame, 'ada', 'py-primes').filter({ hasText: 'not submitted' }).waitFor({ timeout: LONG });
    // Late days: Grace's py-primes, handed in an hour late, spent one of her two; each row says what is left.
    await cell(frame, 'grace', 'py-primes').locator('.mark.late-days', { hasText: '1 late day used' }).waitFor({ timeout: LONG });
    await frame.locator('tr[data-student="grace"] th .late-days-left', { hasText: '1 late day left' }).waitFor({ timeout: LONG });
    await frame.locator('tr[data-student="ada"] th .late-days-left', { hasText: '2 late days left' }).waitFor({ timeout: LONG });
    // The assignment's class summary: a histogram and its counts.
    const columns = await frame.locator('tr.heads button.sort').allInnerTexts();
    const sumColumn = columns.findIndex((t) => t.startsWith('Sum and mean (C)'));
    if (sumColumn < 1) throw new Error(`no column for Sum and mean (C) among ${columns.join(', ')}`);
    const summary = frame.locator('tr.summary td').nth(sumColumn - 1);
    await summary.locator('svg.histogram[role="img"]').waitFor({ timeout: LONG });
    await summary.locator('.counts', { hasText: '0 not started · 0 in progress · 2 submitted' }).waitFor({ timeout: LONG });
  });

  await step('gradebook-sorted-searched', async () => {
    // By name, backwards: Grace before Ada.
    await frame.locator('button.sort[data-sort="student"]').click();
    await frame.locator('th[aria-sort="descending"] button.sort[data-sort="student"]').waitFor({ timeout: LONG });
    const order = await frame.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-student')));
    if (order.join(',') !== 'grace,ada') throw new Error(`sorted by name backwards the rows are ${order.join(', ')}`);
    await frame.locator('#search').fill('lovelace');
    await frame.locator('#status', { hasText: 'Showing 1 of 2 students' }).waitFor({ timeout: LONG });
    const left = await frame.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-student')));
    if (left.join(',') !== 'ada') throw new Error(`a search for "lovelace" leaves ${left.join(', ') || 'nobody'}`);
  });

  await step('gradebook-cell-reveals-submission', async () => {
    // Fold the tree first, so the submission's row shows only if the gradebook reveals it.
    await titleAction(page, 'Collapse All');
    await pane.locator('.monaco-list-row', { hasText: SUBMISSION }).first().waitFor({ state: 'detached', timeout: 15_000 });
    // With the keyboard: the cell takes the focus, Enter opens it.
    const target = cell(frame, 'ada', 'c-sum');
    await target.focus();
    await target.press('Enter');
    await pane.locator('.monaco-list-row.selected', { hasText: SUBMISSION }).first().waitFor({ timeout: LONG });
    await pane.locator('.monaco-list-row[aria-expanded="true"]', { hasText: 'Ada Lovelace' }).first().waitFor({ timeout: LONG });
  });
}
