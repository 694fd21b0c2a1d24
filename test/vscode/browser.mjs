// Debian's Chromium driven by playwright-core, with a fresh profile per run.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath } from './install.mjs';

/** Launch a headless Chromium; `close()` also removes its profile. */
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'classpod-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Named steps of a UI journey: each passing step is recorded and leaves a
 * numbered screenshot in `shots`; a failing one leaves a `-FAILED` screenshot
 * and throws with the step's name.
 */
export function stepRecorder(page, shots, log) {
  const steps = [];
  let n = 0;
  const shot = async (name) => {
    n++;
    const file = join(shots, `${String(n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file });
    log(`screenshot ${file}`);
  };
  const step = async (name, body) => {
    log(`step: ${name}`);
    try {
      await body();
      steps.push(name);
      await shot(name);
    } catch (err) {
      await shot(`${name}-FAILED`).catch(() => undefined);
      // What the notification centre holds tells a toast that never came from one that went.
      await command(page, 'Notifications: Show Notifications')
        .then(() => shot(`${name}-FAILED-notifications`))
        .catch(() => undefined);
      throw new Error(`step "${name}" failed: ${err.message}`);
    }
  };
  return { steps, step, shot };
}

/**
 * Wait for the notification containing `text`, as a toast or, when VS Code did
 * not show it as one, in the notification centre; resolves with its element
 * (its buttons are in either). VS Code shows no toast for a notification that
 * comes after three others within 800 ms (its toasts' spam protection): a
 * person then finds it in the notification centre, which lists every one.
 */
export async function notification(page, text, timeout) {
  const deadline = Date.now() + timeout;
  const asToast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  try {
    await asToast.waitFor({ state: 'visible', timeout: Math.min(timeout, 10_000) });
    await page.locator('.notifications-toasts .notification-fade-in-done').first().waitFor({ timeout: 3000 }).catch(() => undefined);
    return asToast;
  } catch {
    // not (yet) a toast: look where every notification is listed
  }
  const listed = page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
  await command(page, 'Notifications: Show Notifications');
  try {
    await listed.waitFor({ state: 'visible', timeout: Math.max(1000, deadline - Date.now()) });
  } catch {
    throw new Error(`no notification "${text}" within ${timeout} ms, neither as a toast nor in the notification centre`);
  }
  return listed;
}

/** Run `title` from the command palette. */
export async function command(page, title) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** Answer the input box titled `title` with `value`. */
export async function answerInput(page, title, value) {
  const widget = page.locator('.quick-input-widget', { has: page.locator('.quick-input-title', { hasText: title }) });
  await widget.waitFor({ state: 'visible', timeout: 15_000 });
  await widget.locator('input').fill(value);
  await page.keyboard.press('Enter');
}

/**
 * Run `title` from the context menu of `row` (a locator, or a function that
 * finds it again) as a person does, until `opened` (a locator) shows what the
 * action opens. A menu can lose its click: the tree redraws the row under the
 * pointer when a hub event arrives, or the menu drops a click that comes right
 * after it opened on a loaded machine. Then the menu is closed and opened
 * again, up to 3 times, each waiting up to 20 s.
 */
export async function contextMenuAction(page, row, title, opened) {
  for (let attempt = 1; ; attempt++) {
    const target = typeof row === 'function' ? await row() : row;
    await target.click({ button: 'right' });
    const item = page.locator('.context-view .monaco-menu .action-item', { hasText: title }).first();
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    await item.hover();
    await item.click();
    if (await opened.first().waitFor({ state: 'visible', timeout: 20_000 }).then(() => true, () => false)) return;
    if (attempt === 3) throw new Error(`"${title}" in the context menu opened nothing (3 tries)`);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
  }
}
