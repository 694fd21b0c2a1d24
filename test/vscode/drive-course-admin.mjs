// Course administration in the real VS Code UI, as steps of the professor's
// journey: Alan creates a course from the command palette (its id and title in
// two input boxes) and sees it in the Cluster view; imports a roster CSV into
// it (the file chosen in the open dialog, the preview read in the modal dialog,
// cancelled once with nothing written, then applied with its Apply button) and
// sees the course count its students and list them under its Workspaces; the
// same CSV again changes nothing and asks nothing; makes an invite and reads its code and
// expiry (a date as Classpod writes dates, not the hub's instant); and
// moves an assignment's due time two days on from its row's context menu (a
// time it cannot read refused in the box), the row then due two days later. Every step waits for what is on screen.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { answerInput, command, contextMenuAction, notification } from './browser.mjs';

const LONG = 60_000;
export const NEW_COURSE = { id: 'cs303', title: 'Compilers' };
/** The roster Alan imports: himself (already its professor), an assistant of two sections, two students. */
const ROSTER = [
  'id,name,email,role,section',
  'turing,Alan Turing,,professor,',
  'tim,Tim Assistant,tim@example.org,ta,a;b',
  'katherine,Katherine Johnson,katherine@example.org,student,a',
  'dorothy,Dorothy Vaughan,dorothy@example.org,student,b',
  '',
].join('\n');

/** The element's text with its runs of white space as single spaces. */
const textOf = async (locator) => (await locator.innerText()).replace(/\s+/g, ' ').trim();

/** Poll `read` until `ok` holds for what it returns; throws with the last reading. */
async function until(page, read, ok, what, timeout = LONG) {
  const deadline = Date.now() + timeout;
  let last = await read();
  while (!ok(last) && Date.now() < deadline) {
    await page.waitForTimeout(250);
    last = await read();
  }
  if (!ok(last)) throw new Error(`${what}; last seen: ${JSON.stringify(last)}`);
  return last;
}

/** Pick the row of the open quick pick that shows `text`. */
async function pick(page, title, text) {
  const widget = page.locator('.quick-input-widget', { has: page.locator('.quick-input-title', { hasText: title }) });
  await widget.waitFor({ state: 'visible', timeout: 30_000 });
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().click({ timeout: 30_000 });
}

/** Run a row's context-menu entry, as a right click shows it. */
/** Days in a relative due time ("in 3 days", "in 1 day"), or undefined for one in hours or past. */
const daysIn = (description) => {
  const m = /due in (\d+) days?/.exec(description);
  return m ? Number(m[1]) : undefined;
};

/**
 * The steps; `pane` is the Cluster pane, `row` / `expand` find and expand its rows,
 * `startFolder` the open folder (the roster CSV is written there).
 */
export async function driveCourseAdmin({ page, step, pane, row, expand, startFolder, log }) {
  const clearToasts = () => command(page, 'Notifications: Clear All Notifications').catch(() => undefined);
  const courseRow = () => row(NEW_COURSE.title);

  await step('course-created', async () => {
    await clearToasts();
    await command(page, 'Classpod: Create Course…');
    await answerInput(page, 'New course (1/2): its id', NEW_COURSE.id);
    await answerInput(page, 'New course (2/2): its title', NEW_COURSE.title);
    await notification(page, `Created ${NEW_COURSE.title} (${NEW_COURSE.id}); you are its professor.`, LONG);
    // The Cluster view lists it, Alan its professor, nobody enrolled yet.
    const r = await courseRow();
    await until(page, () => textOf(r), (t) => /professor · 0 students/.test(t), `the row of ${NEW_COURSE.title} does not read "professor · 0 students"`);
  });

  const csv = join(startFolder, `${NEW_COURSE.id}-roster.csv`);
  const preview = page.locator('.monaco-dialog-box', { hasText: `Roster import into ${NEW_COURSE.id}:` }).first();
  /** Import Roster from CSV… on the new course, the CSV chosen in the open dialog; resolves once `shown` (the preview, or a notification) is on screen. */
  const chooseRoster = async (shown) => {
    await command(page, 'Classpod: Import Roster from CSV…');
    // Alan teaches two courses now: which one.
    await pick(page, 'Which course?', NEW_COURSE.title);
    // code-server's open dialog is a quick input holding a path: type the file's, then press its Preview button.
    const dialog = page.locator('.quick-input-widget', { has: page.locator('.quick-input-title', { hasText: `Choose the roster CSV of ${NEW_COURSE.id}` }) });
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    // It starts in the active editor's folder (or the open one) and lists it once it has read it, and only
    // then settles its value: wait for its rows (".." at least) before typing the path.
    await dialog.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
    const input = dialog.locator('input').first();
    const deadline = Date.now() + LONG;
    while (!(await shown.isVisible().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`nothing shown after choosing the roster; the open dialog reads "${await input.inputValue().catch(() => '(gone)')}"`);
      if (await dialog.isVisible().catch(() => false)) {
        if ((await input.inputValue()) !== csv) await input.fill(csv);
        const ok = dialog.locator('.monaco-button', { hasText: /^Preview$/ }).first();
        if (await ok.isVisible().catch(() => false)) await ok.click();
        else await page.keyboard.press('Enter');
      }
      await shown.waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
    }
  };
  /** The preview on screen: a modal dialog (a DOM dialog in code-server) with the counts and each change, and its Apply button. */
  const previewShown = async () => {
    await chooseRoster(preview);
    const shown = await textOf(preview);
    log(`roster preview: ${shown}`);
    for (const expected of [
      `Roster import into ${NEW_COURSE.id}: 3 added, 0 changed, 0 withdrawn, 1 unchanged?`,
      'added: Tim Assistant (tim), assistant in section a;b (line 3)',
      'added: Katherine Johnson (katherine), student in section a (line 4)',
      'added: Dorothy Vaughan (dorothy), student in section b (line 5)',
    ]) {
      if (!shown.includes(expected)) throw new Error(`the preview does not show "${expected}": ${shown}`);
    }
    await preview.locator('.monaco-button', { hasText: /^Apply$/ }).first().waitFor({ state: 'visible', timeout: 10_000 });
  };

  await step('roster-preview', async () => {
    await clearToasts();
    writeFileSync(csv, ROSTER);
    await previewShown();
  });

  await step('roster-preview-cancelled', async () => {
    await preview.locator('.monaco-button', { hasText: /^Cancel$/ }).first().click();
    await preview.waitFor({ state: 'hidden', timeout: 15_000 });
    // Nothing was written: the course still has nobody (and the next preview, below, is the same).
    if (!/professor · 0 students/.test(await textOf(await courseRow()))) throw new Error(`after Cancel the row of ${NEW_COURSE.title} reads ${await textOf(await courseRow())}`);
  });

  await step('roster-imported', async () => {
    await previewShown();
    await preview.locator('.monaco-button', { hasText: /^Apply$/ }).first().click();
    await preview.waitFor({ state: 'hidden', timeout: 15_000 });
    await notification(page, `Imported the roster of ${NEW_COURSE.id}: 3 added, 0 changed, 0 withdrawn, 1 unchanged.`, LONG);
    // The course counts its two students, and its Workspaces list them (stopped: nobody has opened one yet).
    await until(page, async () => textOf(await courseRow()), (t) => /professor · 2 students/.test(t), `the row of ${NEW_COURSE.title} does not count 2 students`);
    await collapseOthers(page, pane);
    await expand(/^Workspaces/);
    for (const name of ['Katherine Johnson', 'Dorothy Vaughan']) await row(name);
    if (await pane.locator('.monaco-list-row', { hasText: 'Tim Assistant' }).count()) throw new Error('the assistant is listed among the students');
  });

  await step('roster-reimport-unchanged', async () => {
    await clearToasts();
    // The same CSV again: nothing to change, so no question, and the course as it was.
    const unchanged = `Roster import into ${NEW_COURSE.id}: 0 added, 0 changed, 0 withdrawn, 4 unchanged. Nothing to change.`;
    await chooseRoster(page.locator('.notifications-toasts .notification-toast, .notifications-center .notification-list-item', { hasText: unchanged }).first());
    await notification(page, unchanged, LONG);
    if (await preview.isVisible().catch(() => false)) throw new Error('an import that changes nothing asks to apply it');
    if (!/professor · 2 students/.test(await textOf(await courseRow()))) throw new Error(`the row of ${NEW_COURSE.title} reads ${await textOf(await courseRow())}`);
  });

  await step('invite-created', async () => {
    await clearToasts();
    await command(page, 'Classpod: Invite Students with a Code…');
    await pick(page, 'Which course?', NEW_COURSE.title);
    await answerInput(page, `Invite students to ${NEW_COURSE.id} (1/2)`, '7');
    await answerInput(page, `Invite students to ${NEW_COURSE.id} (2/2)`, '30');
    const t = await notification(page, new RegExp(`Invite to ${NEW_COURSE.id}: [0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5} \\(valid until \\w{3}, \\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} \\([^)]+\\), 30 students\\)`), LONG);
    log(`invite: ${await textOf(t)}`);
    await t.locator('.monaco-button', { hasText: 'Copy Link' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await t.locator('.monaco-button', { hasText: 'Copy Code' }).first().waitFor({ state: 'visible', timeout: 10_000 });
  });

  return { csv };
}

/** Collapse every course row but the new course's, so its rows are the only ones of their kind on screen. */
async function collapseOthers(page, pane) {
  const courses = pane.locator('.monaco-list-row[aria-level="1"][aria-expanded="true"]');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const n = await courses.count();
    let other;
    for (let i = 0; i < n; i++) {
      const r = courses.nth(i);
      const t = await r.innerText();
      if (!t.includes(NEW_COURSE.title) && !/^Cluster/.test(t.trim())) other = r;
    }
    if (!other) return;
    if (Date.now() > deadline) throw new Error('the other courses do not collapse');
    await other.click();
    await page.waitForTimeout(200);
  }
}

/**
 * Edit Assignment Due Time and Late Policy… on an assignment's row (its context menu):
 * `+2d`, the penalty kept; the row is then due two days later.
 */
export async function editDueTime({ page, step, row, assignment }) {
  await step('due-time-edited', async () => {
    await command(page, 'Notifications: Clear All Notifications').catch(() => undefined);
    const r = await row(assignment.title);
    const before = await until(page, () => textOf(r), (t) => /due (in )?\d/.test(t), `the row of ${assignment.title} shows no due time`);
    // What is not a time is refused in the box, saying what is: then +2d, from the current due time.
    const box = page.locator('.quick-input-widget', { has: page.locator('.quick-input-title', { hasText: `Due time of ${assignment.title} for the whole class` }) });
    await contextMenuAction(page, () => row(assignment.title), 'Edit Assignment Due Time and Late Policy…', box);
    await box.locator('input').fill('next week');
    await box.locator('.quick-input-message', { hasText: 'Write a date and time like 2026-12-01 23:59' }).waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');
    if (!(await box.isVisible())) throw new Error('the box took "next week" as a due time');
    await answerInput(page, `Due time of ${assignment.title} for the whole class`, '+2d');
    await answerInput(page, 'Late penalty, percent per started day (empty: keep)', '');
    await notification(page, new RegExp(`${assignment.id} is now due \\w{3}, \\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} \\(`), LONG);
    const after = await until(page, async () => textOf(await row(assignment.title)), (t) => t !== before && /due /.test(t), `the row of ${assignment.title} still reads "${before}"`);
    const [b, a] = [daysIn(before), daysIn(after)];
    if (b !== undefined && a !== undefined ? a - b !== 2 : !/due in \d+ days?/.test(after)) throw new Error(`the row went from "${before}" to "${after}", not two days later`);
    // The Courses view above says the same of it.
    const due = /due [^·]+/.exec(after)[0].trim();
    const courses = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^Courses/ }) }).first();
    await until(page, async () => textOf(courses.locator('.monaco-list-row', { hasText: assignment.title }).first()), (t) => t.includes(due), `the Courses view does not say "${due}" of ${assignment.title}`);
  });
}
