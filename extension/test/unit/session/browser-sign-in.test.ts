// The extension's browser sign-in end to end, against the real hub program
// and a real OpenID Provider (oidc-provider) on loopback: the attempt's start
// address, the provider's login and consent pages, the hub's redirect back to
// the editor's URI with the one-time code, the exchange, the session kept in
// secret storage, its renewal (by hand and by its timer), a renewal the
// provider refuses, and sign-out revoking the session at the hub. And from the
// other side: a redirect with another state, an error, a cancel and a timeout
// finish nothing.

import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '@classpod/observability';
import { CLIENT_ID, CLIENT_SECRET, runHubCommand, startHubServing, TestBrowser, TestIdentityProvider, waitFor } from '@classpod/test-support';
import { ConnectionError } from '../../../src/connection/connection-error';
import { BrowserSignIn } from '../../../src/session/browser-sign-in';
import { exchangeCode, renewSession, signInMethods, SignInError, type HubSession } from '../../../src/session/hub-sign-in';
import { realTimers } from '../../../src/session/renewal-schedule';
import { CREDENTIALS_KEY, parseCredentials } from '../../../src/session/stored-credentials';
import { StudentSession } from '../../../src/session/student-session';
import { memorySecrets } from '../fake-hub';

const REPO = path.resolve(__dirname, '../../../../..');
/** Where the hub sends the code back: the extension's URI (VS Code hands it to the URI handler). */
const EDITOR_URI = 'vscode://classpod.classpod/signed-in';

describe('browser sign-in against the real hub and a real OpenID Provider', function () {
  this.timeout(120_000);
  let idp: TestIdentityProvider;
  let hub: ChildProcess | undefined;
  let server: URL;
  let dir: string;
  const sessions: StudentSession[] = [];

  before(async () => {
    idp = await TestIdentityProvider.start({
      accounts: [
        { sub: 'u-ada', name: 'Ada Lovelace', email: 'ada@uni.example', preferred_username: 'ada', groups: ['cs101-students'] },
        { sub: 'u-bea', name: 'Bea Leaver', email: 'bea@uni.example', preferred_username: 'bea', groups: ['cs101-students'] },
      ],
    });
    dir = mkdtempSync(path.join(tmpdir(), 'classpod-ext-oidc-'));
    const data = path.join(dir, 'hub-data');
    runHubCommand(['course', 'create', '--from', path.join(REPO, 'examples', 'demo-course'), '--data', data]);
    const config = path.join(dir, 'oidc.yaml');
    writeFileSync(
      config,
      [
        `issuer: ${idp.url}`,
        `clientId: ${CLIENT_ID}`,
        `clientSecret: ${CLIENT_SECRET}`,
        'scopes: openid offline_access email profile groups',
        'roleMapping:',
        '  cs101-students: [{ course: cs101, role: student }]',
      ].join('\n'),
    );
    const started = await startHubServing(['--data', data, '--host', '127.0.0.1', '--port', '0', '--isolation', 'none', '--oidc-config', config], {
      env: { ...process.env, CLASSPOD_LOG_LEVEL: 'error' },
      dieWithTest: true,
    });
    hub = started.child;
    server = new URL(started.url);
    await idp.register(`${started.url}/v1/auth/oidc/callback`);
  });

  afterEach(() => {
    for (const s of sessions.splice(0)) s.dispose();
  });

  after(async () => {
    if (hub && hub.exitCode === null && hub.signalCode === null) {
      const gone = new Promise((r) => hub!.once('exit', r));
      hub.kill('SIGTERM');
      await gone;
    }
    await idp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The person's part in the browser: the hub's start address, the provider's pages, the hub's redirect to the editor. */
  async function inTheBrowser(startUrl: string, login: string): Promise<URL> {
    const browser = new TestBrowser();
    const callback = await browser.authorize(startUrl, login, `${server.origin}/v1/auth/oidc/callback`);
    const back = await browser.request(callback);
    assert.equal(back.status, 302, await back.text());
    return new URL(back.headers.get('location')!);
  }

  async function signedIn(login: string): Promise<HubSession> {
    const signIn = new BrowserSignIn();
    const attempt = signIn.begin(server, EDITOR_URI);
    const back = await inTheBrowser(attempt.url, login);
    assert.equal(`${back.protocol}//${back.host}${back.pathname}`, EDITOR_URI);
    assert.equal(signIn.handleRedirect(back.search), true);
    const { code, verifier } = await attempt.code;
    return exchangeCode(server, code, verifier);
  }

  function newSession(timers = realTimers): { session: StudentSession; secrets: ReturnType<typeof memorySecrets> } {
    const secrets = memorySecrets();
    const session = new StudentSession({ secrets, logger: silentLogger, clientVersion: 'test', timers });
    sessions.push(session);
    return { session, secrets };
  }

  const refusedToken = (e: unknown): boolean => e instanceof ConnectionError && e.problem === 'unauthorized';

  it('learns that the hub offers the browser sign-in, and from which provider', async () => {
    assert.deepEqual(await signInMethods(server), { token: true, oidc: { issuer: idp.url } });
  });

  it('signs in through the browser: the session is kept in secret storage with its renewal, and opens the hub', async () => {
    const hubSession = await signedIn('u-ada');
    const { session, secrets } = newSession();
    const account = await session.signInWithSession(server.href, hubSession);
    assert.equal(account.person.personId, 'ada');
    assert.equal(account.kind, 'browser');
    const stored = parseCredentials(secrets.map.get(CREDENTIALS_KEY)!);
    assert.equal(stored?.kind, 'browser');
    assert.equal(stored.token, hubSession.token);
    assert.match(stored.kind === 'browser' ? (stored.refreshToken ?? '') : '', /^cpr_/);
    await session.connection!.ready();
  });

  it('renews: the new token is stored and used, the old one is refused', async () => {
    const { session, secrets } = newSession();
    const first = await signedIn('u-ada');
    await session.signInWithSession(server.href, first);
    await session.renewNow();
    const stored = parseCredentials(secrets.map.get(CREDENTIALS_KEY)!)!;
    assert.notEqual(stored.token, first.token);
    assert.equal(session.account?.token, stored.token);
    // Another window restores with what is stored now; the first token opens nothing.
    const other = new StudentSession({ secrets, logger: silentLogger, clientVersion: 'test' });
    sessions.push(other);
    assert.equal((await other.restore())?.person.personId, 'ada');
    await assert.rejects(newSession().session.signInWithSession(server.href, first), refusedToken);
  });

  it('renews by itself before the session expires', async () => {
    const first = await signedIn('u-ada');
    // A clock that says the session has 30 s left: the timer renews at once.
    const offset = Date.parse(first.expiresAt) - Date.now() - 30_000;
    const { session } = newSession({ ...realTimers, now: () => Date.now() + offset });
    const renewed = new Promise<string>((resolve) => session.onDidRenew((a) => resolve(a.token)));
    await session.signInWithSession(server.href, first);
    assert.notEqual(await renewed, first.token);
  });

  it('ends the session, saying why, when the provider no longer renews it (the person left)', async () => {
    const first = await signedIn('u-bea');
    const offset = Date.parse(first.expiresAt) - Date.now() - 30_000;
    const { session, secrets } = newSession({ ...realTimers, now: () => Date.now() + offset });
    idp.knobs.disabledAccounts = new Set(['u-bea']);
    try {
      const ended = new Promise<string>((resolve) => session.onDidEnd((f) => resolve(f.message)));
      await session.signInWithSession(server.href, first);
      assert.match(await ended, /the identity provider no longer renews this sign-in \(.*invalid_grant.*\); sign in again/);
      await waitFor('the ended session to be forgotten', async () => (secrets.map.has(CREDENTIALS_KEY) ? undefined : true));
      assert.equal(session.account, undefined);
      await assert.rejects(newSession().session.signInWithSession(server.href, first), refusedToken);
    } finally {
      delete idp.knobs.disabledAccounts;
    }
  });

  it('signs out: the session is revoked at the hub and cannot be renewed', async () => {
    const first = await signedIn('u-ada');
    const { session, secrets } = newSession();
    await session.signInWithSession(server.href, first);
    await session.signOut();
    assert.equal(secrets.map.has(CREDENTIALS_KEY), false);
    await assert.rejects(newSession().session.signInWithSession(server.href, first), refusedToken);
    await assert.rejects(renewSession(server, first.refreshToken!), (e: unknown) => e instanceof SignInError && !e.retryable && /unknown or was already used/.test(e.message));
  });

  it('ignores a redirect with another state (an old tab, a forged link), and finishes with the right one', async () => {
    const signIn = new BrowserSignIn();
    const attempt = signIn.begin(server, EDITOR_URI);
    const back = await inTheBrowser(attempt.url, 'u-ada');
    const forged = new URLSearchParams(back.search);
    forged.set('state', 'forged');
    assert.equal(signIn.handleRedirect(forged.toString()), false);
    assert.equal(signIn.waiting, true);
    assert.equal(signIn.handleRedirect(back.search), true);
    const { code, verifier } = await attempt.code;
    assert.equal((await exchangeCode(server, code, verifier)).personId, 'ada');
    assert.equal(signIn.handleRedirect(back.search), false, 'a redirect finishes one attempt, once');
  });

  it("refuses the code with another attempt's verifier (a code taken from the redirect)", async () => {
    const signIn = new BrowserSignIn();
    const attempt = signIn.begin(server, EDITOR_URI);
    const back = await inTheBrowser(attempt.url, 'u-ada');
    await assert.rejects(exchangeCode(server, back.searchParams.get('code')!, 'x'.repeat(43)), (e: unknown) => e instanceof SignInError && /code_verifier does not match/.test(e.message));
    attempt.cancel();
  });

  it('says why when the redirect brings an error, on cancel, and when the person never finishes', async () => {
    const signIn = new BrowserSignIn(200);
    const a = signIn.begin(server, EDITOR_URI);
    const state = new URL(a.url).searchParams.get('state')!;
    assert.equal(signIn.handleRedirect(new URLSearchParams({ state, error: 'access_denied', error_description: 'End-User aborted interaction' }).toString()), true);
    await assert.rejects(a.code, /End-User aborted interaction/);
    const b = signIn.begin(server, EDITOR_URI);
    b.cancel();
    await assert.rejects(b.code, /cancelled/);
    const c = signIn.begin(server, EDITOR_URI);
    await assert.rejects(c.code, /was not finished in the browser/);
    assert.equal(signIn.waiting, false);
  });
});
