// The similarity check in the real VS Code UI, as steps of the professor's
// journey (drive-professor.mjs runs them after the feedback steps): Grace and
// Ada hand in py-primes, Ada's a copy of Grace's with every name changed
// (professor-seed.mjs); the professor right-clicks the assignment in the
// Cluster view and picks Check Similarity; the ranked pairs appear in a
// webview with the notice that this is evidence, not a verdict; a click on
// the pair opens both files side by side with the matching fragments
// highlighted on each side, and `n` brings the first fragment into view.

import { contextMenuAction } from './browser.mjs';

const LONG = 90_000;
const TITLE = 'Counting primes (Python)';

/** The frame of a webview that holds `selector`; waits for it. */
async function frameWith(page, selector, timeout = LONG) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (await frame.locator(selector).count().catch(() => 0)) return frame;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no webview showed ${selector} within ${timeout} ms`);
}

export async function driveSimilarity({ page, step, pane, seed }) {
  let pairs;
  await step('similarity-pairs', async () => {
    await seed();
    await page.keyboard.press('Escape');
    // Fold Sum and mean (C), opened by the steps before, so the primes row is in view.
    const cSum = pane.locator('.monaco-list-row[aria-expanded="true"]', { hasText: 'Sum and mean (C)' }).first();
    if (await cSum.count()) await cSum.click();
    const primes = pane.locator('.monaco-list-row', { hasText: TITLE }).first();
    await primes.waitFor({ state: 'visible', timeout: 30_000 });
    // The context menu, as a person uses it (a menu that lost its click is opened again: browser.mjs).
    const tab = page.locator('.tabs-container .tab', { hasText: `Similarity: ${TITLE}` }).first();
    await contextMenuAction(page, primes, 'Check Similarity', tab);
    pairs = await frameWith(page, 'table[aria-label^="Pairs of students"]');
    await pairs.locator('p.notice', { hasText: 'evidence for a person to judge, not a verdict' }).waitFor({ timeout: LONG });
    await pairs.locator('#status', { hasText: /2 final submissions · 2 files \(python\) · 1 pair/ }).waitFor({ timeout: LONG });
    const first = pairs.locator('tr.pair').first();
    await first.locator('td.students', { hasText: /(Ada Lovelace ↔ Grace Hopper|Grace Hopper ↔ Ada Lovelace)/ }).waitFor({ timeout: LONG });
    const percent = Number(/(\d+)%/.exec(await first.locator('td.similarity').innerText())?.[1]);
    if (!(percent >= 80)) throw new Error(`the copied pair shows ${percent}% similar`);
  });

  await step('similarity-side-by-side', async () => {
    await pairs.locator('tr.pair').first().click();
    await page.locator('.tabs-container .tab', { hasText: /Similarity: (Ada Lovelace|Grace Hopper) ↔/ }).first().waitFor({ timeout: LONG });
    const pair = await frameWith(page, 'main.side-by-side');
    await pair.locator('p.notice', { hasText: 'not a verdict' }).waitFor({ timeout: LONG });
    for (const side of ['left', 'right']) await pair.locator(`section.file[data-side="${side}"] tr.frag`).first().waitFor({ timeout: LONG });
    const text = await pair.locator('main.side-by-side').innerText();
    if (!text.includes('sieve') || !text.includes('marks')) throw new Error('the two files are not both on the page');
    await pair.locator('button.fragment-link').first().click();
    await pair.locator('tr.frag.current').first().waitFor({ timeout: LONG });
    // Sum and mean (C) open again, as the steps after this one expect the tree.
    const cSum = pane.locator('.monaco-list-row[aria-expanded="false"]', { hasText: 'Sum and mean (C)' }).first();
    if (await cSum.count()) await cSum.click();
  });
}
