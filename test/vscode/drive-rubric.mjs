// Rubrics in the real VS Code UI, as steps of the professor's journey: on
// Ada's submission in the Cluster view the professor runs Apply Rubric… (the
// row's inline action), sees the assignment's items with their points and
// descriptions in a multi-select pick, checks "Unexplained constants" (−5)
// and accepts; the row then reads "95/100 (rubric −5)". Opening the pick
// again shows that item checked. Later Ada's Show Results lists the item and
// the feedback thread (drive-professor.mjs's student steps).

import { command, contextMenuAction, notification } from './browser.mjs';

const LONG = 60_000;
export const RUBRIC_ITEM = 'Unexplained constants in the code';

/** The rows of the open quick pick. */
const pickRow = (page, text) => page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();

/** Whether a row of a multi-select pick is checked. */
async function isChecked(row) {
  if ((await row.getAttribute('aria-checked')) === 'true') return true;
  const box = row.locator('input[type="checkbox"]').first();
  return (await box.count()) > 0 && (await box.isChecked());
}

export async function applyRubric({ page, step, row, inlineAction, submission }) {
  // The submission's own row (the student's row above it shows the same score).
  const scored = new RegExp(`${submission.source}.*95/100 \\(rubric −5\\)`);
  await step('rubric-pick', async () => {
    await command(page, 'Notifications: Clear All Notifications').catch(() => undefined);
    await inlineAction(await row(submission), 'Apply Rubric');
    await page.locator('.quick-input-title', { hasText: "Apply Rubric to Ada Lovelace's submission" }).waitFor({ timeout: LONG });
    // Every item of c-sum's rubric, with its points.
    for (const text of ['+5  Clear names and consistent indentation', '+5  Comments explain why, not what', "−10  Reads input without checking scanf's result", `−5  ${RUBRIC_ITEM}`]) {
      await pickRow(page, text).waitFor({ state: 'visible', timeout: LONG });
    }
    const item = pickRow(page, RUBRIC_ITEM);
    if (await isChecked(item)) throw new Error('an item is checked before anything was applied');
    await item.click();
    if (!(await isChecked(item))) await item.locator('input[type="checkbox"], .quick-input-list-checkbox').first().click();
    if (!(await isChecked(item))) throw new Error(`"${RUBRIC_ITEM}" could not be checked`);
  });

  await step('rubric-applied', async () => {
    await page.keyboard.press('Enter');
    await notification(page, 'Rubric −5 applied; the score is 95/100 (rubric −5).', LONG);
    await row(scored);
  });

  await step('rubric-prechecked', async () => {
    await inlineAction(await row(scored), 'Apply Rubric');
    const item = pickRow(page, RUBRIC_ITEM);
    await item.waitFor({ state: 'visible', timeout: LONG });
    if (!(await isChecked(item))) throw new Error('the applied item is not checked when the pick opens again');
    if (await isChecked(pickRow(page, 'Clear names'))) throw new Error('an item that was not applied is checked');
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').first().waitFor({ state: 'hidden', timeout: 15_000 });
  });
}

/**
 * Edit Rubric… from the context menu of the assignment's row (professors):
 * the items with where each is applied; adding one, the input boxes say what
 * is wrong with an empty description and with points that are not a number;
 * its points change (the box starts at the item's; a typographic minus is
 * read as one); removing the applied item asks first (cancelled here, so Ada
 * keeps her −5); the added item, applied nowhere, goes without a question.
 */
export async function editRubric({ page, step, row, assignment }) {
  const open = async () => {
    await contextMenuAction(page, () => row(assignment), 'Edit Rubric', page.locator('.quick-input-title', { hasText: `Rubric of ${assignment}` }));
  };
  const widget = () => page.locator('.quick-input-widget').first();
  const typeInto = async (value) => {
    await widget().locator('input').first().fill(value);
  };

  await step('rubric-edit-list', async () => {
    await command(page, 'Notifications: Clear All Notifications').catch(() => undefined);
    await open();
    await pickRow(page, `−5  ${RUBRIC_ITEM}`).waitFor({ state: 'visible', timeout: LONG });
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'applied to 1 submission' }).first().waitFor({ state: 'visible', timeout: LONG });
    await pickRow(page, 'Add an item…').waitFor({ state: 'visible', timeout: LONG });
  });

  await step('rubric-edit-empty-description', async () => {
    await pickRow(page, 'Add an item…').click();
    await page.locator('.quick-input-title', { hasText: 'Add an item to the rubric' }).waitFor({ timeout: LONG });
    await typeInto('   ');
    await widget().locator('.quick-input-message', { hasText: 'Say what earns these points' }).waitFor({ state: 'visible', timeout: LONG });
  });

  await step('rubric-edit-bad-points', async () => {
    await typeInto('Handles empty input');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-title', { hasText: '(2/2)' }).waitFor({ timeout: LONG });
    await typeInto('ten');
    await widget().locator('.quick-input-message', { hasText: 'Write a number of points' }).waitFor({ state: 'visible', timeout: LONG });
  });

  await step('rubric-edit-added', async () => {
    await typeInto('-3');
    await page.keyboard.press('Enter');
    await notification(page, 'Rubric of Sum and mean (C) saved (5 items); no score changed.', LONG);
  });

  await step('rubric-edit-points-changed', async () => {
    await open();
    await pickRow(page, '−3  Handles empty input').click();
    await pickRow(page, 'Change points…').click();
    await page.locator('.quick-input-title', { hasText: 'Points of “Handles empty input”' }).waitFor({ timeout: LONG });
    const value = await widget().locator('input').first().inputValue();
    if (value !== '-3') throw new Error(`the points box starts at "${value}", not the item's -3`);
    await typeInto('−4');
    await page.keyboard.press('Enter');
    await notification(page, 'Rubric of Sum and mean (C) saved (5 items); no score changed.', LONG);
  });

  await step('rubric-edit-remove-asks', async () => {
    await open();
    await pickRow(page, RUBRIC_ITEM).click();
    await pickRow(page, 'Remove').waitFor({ state: 'visible', timeout: LONG });
    await pickRow(page, 'Remove').click();
    const dialog = page.locator('.monaco-dialog-box', { hasText: `Remove “${RUBRIC_ITEM}” (−5) from the rubric?` }).first();
    await dialog.waitFor({ state: 'visible', timeout: LONG });
    await dialog.locator('text=It is applied to 1 submission').first().waitFor({ state: 'visible', timeout: LONG });
  });

  await step('rubric-edit-remove-cancelled', async () => {
    await page.keyboard.press('Escape');
    await page.locator('.monaco-dialog-box').first().waitFor({ state: 'hidden', timeout: 15_000 });
    await open();
    await pickRow(page, `−5  ${RUBRIC_ITEM}`).waitFor({ state: 'visible', timeout: LONG });
    await pickRow(page, '−4  Handles empty input').click();
    await pickRow(page, 'Remove').click();
    await notification(page, 'Rubric of Sum and mean (C) saved (4 items); no score changed.', LONG);
  });
}
