/* global fetch, URLSearchParams */
// A person signs in to Classpod with their university account, through the
// real VS Code UI and a real OpenID Provider: "Classpod: Sign In", the course
// server's address, "Sign in with your university account"; the browser tab
// that opens shows the provider's login, then its consent page; the tab comes
// back to VS Code (code-server's /callback page), the account shows in the
// Accounts menu and the Courses view lists the person's courses. Signing out
// ends the session at the course server: the hub refuses it afterwards.
// Every URL the sign-in tab visits is logged, so a wrong hop is named.

import { join } from 'node:path';
import { answerInput, command, launchBrowser, notification, stepRecorder } from './browser.mjs';

const LONG = 120_000;

async function pick(page, text) {
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
}

/**
 * Whether the hub still accepts `token` as a bearer token: its sign-out endpoint answers 401 to one it refuses
 * (asked only after VS Code signed out: were the session still valid, this would end it).
 */
async function hubAccepts(hubUrl, token) {
  const res = await fetch(`${hubUrl}/v1/auth/signout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  return res.status !== 401;
}

/**
 * Drive the sign-in. `serverUrl` is the course server VS Code is given,
 * `hubUrl` the hub itself, `account` the provider login to type, `sessions`
 * the sessions the hub answered at its token endpoint (filled as it answers).
 * Resolves with the names of the steps that passed.
 */
export async function driveUniversity({ baseUrl, serverUrl, hubUrl, startFolder, shots, account, courses, sessions, log }) {
  const browser = await launchBrowser();
  const { page, context } = browser;
  const { steps, step, shot } = stepRecorder(page, shots, log);
  const visited = [];
  // Every address the sign-in tab is sent to, redirects included (the workbench's own loads are not).
  context.on('request', (req) => {
    if (!req.isNavigationRequest()) return;
    let fromWorkbench = false;
    try {
      fromWorkbench = req.frame().page() === page;
    } catch {
      // A new tab's first request comes before its frame exists: the sign-in tab's.
    }
    if (fromWorkbench) return;
    visited.push(req.url());
    log(`sign-in tab goes to ${req.url()}`);
  });
  try {
    await page.goto(`${baseUrl}/?folder=${encodeURIComponent(startFolder)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: LONG });

    let tab;
    await step('provider-login', async () => {
      await page.locator('.activitybar .action-item .action-label[aria-label^="Classpod"]').first().waitFor({ timeout: LONG });
      await command(page, 'Classpod: Sign In');
      await answerInput(page, 'Classpod: Sign In (1/2)', serverUrl);
      const opened = context.waitForEvent('page', { timeout: 60_000 });
      await pick(page, 'Sign in with your university account');
      // VS Code asks before it opens a site outside its trusted domains, naming the address: the course server's, unrewritten.
      const dialog = page.locator('.monaco-dialog-box', { hasText: 'open the external website' });
      await dialog.waitFor({ timeout: 30_000 });
      const asked = (await dialog.innerText()).replace(/\s+/g, '');
      log(`VS Code asks to open: ${asked}`);
      if (!asked.includes(`${serverUrl}/v1/auth/oidc/start`)) throw new Error(`VS Code opens something other than the course server's sign-in: ${asked}`);
      await shot('open-external-asked');
      await dialog.locator('.monaco-button', { hasText: /^Open$/ }).click();
      tab = await opened;
      await tab.locator('input[name="login"]').waitFor({ timeout: 60_000 });
      log(`sign-in tab shows the provider's login at ${tab.url()}`);
      if (!tab.url().startsWith(account.providerUrl)) throw new Error(`the login page is at ${tab.url()}, not at the provider ${account.providerUrl}`);
      await tab.screenshot({ path: join(shots, 'provider-login.png') });
    });

    await step('provider-consent', async () => {
      await tab.locator('input[name="login"]').fill(account.login);
      await tab.locator('input[name="password"]').fill('any password');
      await tab.locator('button[type="submit"]').click();
      // offline_access: the provider asks for consent.
      await tab.locator('button[type="submit"]', { hasText: /continue/i }).waitFor({ timeout: 60_000 });
      await tab.screenshot({ path: join(shots, 'provider-consent.png') });
      await tab.locator('button[type="submit"]', { hasText: /continue/i }).click();
      // The hub hands the code to code-server's /callback page, which gives it to the extension.
      await tab.waitForURL((url) => url.pathname.endsWith('/callback'), { timeout: 60_000 });
      log(`the sign-in tab came back to ${new URL(tab.url()).origin}${new URL(tab.url()).pathname}`);
      await tab.screenshot({ path: join(shots, 'callback-page.png') });
    });

    await step('signed-in', async () => {
      await page.bringToFront();
      await notification(page, `Signed in to Classpod as ${account.name}`, LONG);
      if (sessions.length !== 1) throw new Error(`the hub answered ${sessions.length} sessions at its token endpoint, not one`);
    });

    await step('accounts-menu', async () => {
      await page.keyboard.press('Escape');
      await page.locator('.activitybar .action-item .action-label[aria-label^="Accounts"]').first().click();
      const entry = page.locator('.monaco-menu .action-item', { hasText: account.name }).first();
      await entry.waitFor({ timeout: 30_000 });
      log(`Accounts menu: ${(await page.locator('.monaco-menu').first().innerText()).replace(/\s+/g, ' ')}`);
      await shot('accounts-menu-open');
      await page.keyboard.press('Escape');
    });

    await step('courses-listed', async () => {
      const header = page.locator('.pane-header[aria-label^="Courses"]').first();
      if (!(await page.locator('.monaco-list-row', { hasText: courses[0] }).isVisible())) {
        await page.locator('.activitybar .action-item .action-label[aria-label^="Classpod"]').first().click();
      }
      if ((await header.count()) && (await header.isVisible()) && (await header.getAttribute('aria-expanded')) !== 'true') await header.click();
      for (const title of courses) await page.locator('.monaco-list-row', { hasText: title }).first().waitFor({ timeout: 60_000 });
    });

    await step('signed-out-revoked', async () => {
      const session = sessions[0];
      await command(page, 'Classpod: Sign Out');
      await notification(page, 'Signed out of Classpod', LONG);
      const until = Date.now() + 30_000;
      while (await hubAccepts(hubUrl, session.token)) {
        if (Date.now() > until) throw new Error('the hub still accepts the session after sign-out');
        await page.waitForTimeout(500);
      }
      if (session.refreshToken) {
        const res = await fetch(`${hubUrl}/v1/auth/oidc/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: session.refreshToken }).toString(),
        });
        if (res.status < 400) throw new Error(`the hub renewed a signed-out session (${res.status})`);
        log(`the signed-out session's refresh token: ${res.status} ${(await res.json()).error}`);
      }
      await page.locator('.monaco-list-row', { hasText: courses[0] }).first().waitFor({ state: 'detached', timeout: 30_000 });
    });
    return { steps, visited };
  } finally {
    await browser.close();
  }
}
