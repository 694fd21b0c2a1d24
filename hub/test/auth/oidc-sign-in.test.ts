// OpenID Connect sign-in against a real OpenID Provider (oidc-provider) on
// loopback, from the attacker's side: every forged, replayed or foreign answer
// is refused with a message saying why, and leaves no session (the tokens
// table is checked afterwards), no person and no identity behind.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ListAuditRequest, ProtocolError, WhoAmIRequest } from '@classpod/protocol';
import { ManualClock } from '../../src/time/clock';
import type { OidcOptions } from '../../src/auth/oidc-config';
import { startTestHub, type TestHub } from '../support/test-hub';
import { HttpRefusal, TestClient } from '../support/test-client';
import { CLIENT_ID, CLIENT_SECRET, newSigningKey, publicKeyOf, TestBrowser, TestIdentityProvider, type TestAccount, type TestProviderOptions } from '@classpod/test-support';

const ACCOUNTS: TestAccount[] = [
  { sub: 'u-ada', name: 'Ada Lovelace', email: 'ada@uni.example', preferred_username: 'ada', groups: ['cs101-professors'] },
  { sub: 'u-tim', name: 'Tim Assistant', email: 'tim@uni.example', preferred_username: 'tim', groups: ['cs101-tas'] },
  // Near misses of staff groups, and names that an object lookup would find on every object.
  { sub: 'u-sam', name: 'Sam Student', email: 'sam@uni.example', preferred_username: 'sam', groups: ['cs101-students', 'cs101-Professors', 'cs101-professors ', 'staff', 'professor', '__proto__', 'constructor', 'toString'] },
  { sub: 'u-alice', name: 'Alice A.', email: 'alice@uni.example', preferred_username: 'alice-uni', groups: [] },
  { sub: 'u-eve', name: 'Eve Outsider', email: 'eve@elsewhere.example', preferred_username: 'eve', groups: ['other-course'] },
  // Asks for the id of the course's professor.
  { sub: 'u-mallory', name: 'Prof. Ada', email: 'prof@uni.example', preferred_username: 'prof', groups: ['cs101-students'] },
];

const MAPPING: OidcOptions['roleMapping'] = {
  'cs101-professors': [{ course: 'cs101', role: 'professor' }],
  'cs101-tas': [{ course: 'cs101', role: 'assistant' }],
  'cs101-students': [{ course: 'cs101', role: 'student' }],
};

interface Setup {
  idp: TestIdentityProvider;
  t: TestHub;
  clock: ManualClock;
  callback: string;
  close(): Promise<void>;
}

async function setUp(provider: Partial<TestProviderOptions> = {}, oidc: Partial<OidcOptions> = {}): Promise<Setup> {
  const idp = await TestIdentityProvider.start({ accounts: ACCOUNTS.map((a) => ({ ...a, groups: [...a.groups] })), ...provider });
  const clock = new ManualClock(Date.now());
  let t: TestHub | undefined;
  try {
    t = await startTestHub({
      clock,
      oidc: { issuer: idp.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: 'openid email profile groups', roleMapping: MAPPING, ...oidc },
    });
    const callback = `${t.hub.url}/v1/auth/oidc/callback`;
    await idp.register(callback);
    const hub = t;
    return { idp, t, clock, callback, close: async () => (await hub.close(), await idp.close()) };
  } catch (err) {
    await t?.close();
    await idp.close();
    throw err;
  }
}

/** What a browser sees of a sign-in: the hub's start, the provider's pages, the hub's callback. */
interface Attempt {
  status: number;
  body: { error?: string; token?: string; personId?: string; tokenId?: string };
  callbackUrl: string;
  browser: TestBrowser;
}

async function start(s: Setup, browser: TestBrowser): Promise<URL> {
  const res = await browser.request(`${s.t.hub.url}/v1/auth/oidc/start`);
  assert.equal(res.status, 302, await res.text());
  return new URL(res.headers.get('location')!);
}

async function callback(browser: TestBrowser, callbackUrl: string): Promise<{ status: number; body: Attempt['body'] }> {
  const res = await browser.request(callbackUrl);
  return { status: res.status, body: (await res.json()) as Attempt['body'] };
}

async function signIn(s: Setup, login: string, o: { tamper?: (u: URL) => void; beforeCallback?: () => void } = {}): Promise<Attempt> {
  const browser = new TestBrowser();
  const authUrl = await start(s, browser);
  o.tamper?.(authUrl);
  const callbackUrl = await browser.authorize(authUrl.href, login, s.callback);
  o.beforeCallback?.();
  return { ...(await callback(browser, callbackUrl)), callbackUrl, browser };
}

/** Everything a refusal must leave unchanged. */
async function counts(s: Setup): Promise<{ tokens: number; people: number; identities: number }> {
  const n = async (table: 'tokens' | 'people' | 'identities'): Promise<number> =>
    Number((await s.t.hub.store.database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { tokens: await n('tokens'), people: await n('people'), identities: await n('identities') };
}

async function auditActions(s: Setup, actorId: string): Promise<string[]> {
  // One tick of the hub's manual clock holds them all: compare them sorted.
  return (await s.t.hub.store.database.db.selectFrom('audit').select('action').where('actor_id', '=', actorId).execute()).map((r) => r.action).sort();
}

async function refused(s: Setup, attempt: () => Promise<Attempt>, status: number, message: RegExp): Promise<Attempt> {
  const before = await counts(s);
  const a = await attempt();
  assert.equal(a.status, status, JSON.stringify(a.body));
  assert.match(a.body.error ?? '', message);
  assert.equal(a.body.token, undefined);
  assert.deepEqual(await counts(s), before, 'a refused sign-in leaves no session, person or identity');
  return a;
}

describe('OpenID Connect sign-in against a real provider', function () {
  this.timeout(120_000);

  describe('one provider, one hub', () => {
    let s: Setup;
    before(async () => {
      s = await setUp({ idTokenTtlS: 60 });
      await s.t.hub.signIns.link({ issuer: s.idp.url, subject: 'u-alice', personId: 'alice' });
    });
    after(async () => s?.close());

    it('signs a professor in end to end: the session opens the hub API with the role the mapping grants', async () => {
      const a = await signIn(s, 'u-ada');
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.match(a.body.token!, /^cp_/);
      const c = await TestClient.connect(s.t.hub.url, a.body.token);
      try {
        const me = await c.request(WhoAmIRequest.type, {});
        assert.equal(me.personId, 'ada');
        assert.equal(me.name, 'Ada Lovelace');
        assert.equal(me.email, 'ada@uni.example');
        assert.deepEqual(me.courses, [{ courseId: 'cs101', role: 'professor' }]);
        const log = await c.request(ListAuditRequest.type, { courseId: 'cs101' });
        assert.ok(log.entries.some((e) => e.action === 'role.change' && e.target === 'ada' && e.detail?.includes('"to":"professor"')), JSON.stringify(log.entries));
        // Her sign-in is in the log of her course, and in no other course's.
        assert.ok(log.entries.some((e) => e.action === 'auth.signin' && e.actorId === 'ada'), JSON.stringify(log.entries));
        const other = await s.t.hub.store.audit.list('cs202');
        assert.ok(!other.some((e) => e.actorId === 'ada'), JSON.stringify(other));
      } finally {
        c.close();
      }
      assert.deepEqual(await s.t.hub.signIns.identitiesOf('ada'), [{ issuer: s.idp.url, subject: 'u-ada', personId: 'ada' }]);
      assert.deepEqual(await auditActions(s, 'ada'), ['auth.signin', 'person.create', 'role.change']);
      assert.equal(await s.t.hub.signIns.countSignIns(), 0, 'a finished sign-in is forgotten');
    });

    it('signs in a person the operator linked, as that person, keeping their role', async () => {
      const a = await signIn(s, 'u-alice');
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.equal(a.body.personId, 'alice');
      assert.equal(await s.t.hub.store.courses.roleIn('cs101', 'alice'), 'student');
    });

    it('follows the provider when a role changes, and audit-logs the change', async () => {
      assert.equal((await signIn(s, 'u-tim')).status, 200);
      assert.equal(await s.t.hub.store.courses.roleIn('cs101', 'tim'), 'assistant');
      s.idp.account('u-tim').groups = ['cs101-professors'];
      assert.equal((await signIn(s, 'u-tim')).status, 200);
      assert.equal(await s.t.hub.store.courses.roleIn('cs101', 'tim'), 'professor');
      const changes = await s.t.hub.store.database.db.selectFrom('audit').select('detail').where('action', '=', 'role.change').where('target', '=', 'tim').execute();
      assert.deepEqual(
        changes.map((c) => c.detail).sort(),
        [JSON.stringify({ from: 'assistant', to: 'professor', source: 'oidc' }), JSON.stringify({ from: null, to: 'assistant', source: 'oidc' })],
      );
    });

    it('signs out: the session is revoked, its open connection closed, and it opens nothing afterwards', async () => {
      const a = await signIn(s, 'u-ada');
      const c = await TestClient.connect(s.t.hub.url, a.body.token);
      const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
      const out = await fetch(`${s.t.hub.url}/v1/auth/signout`, { method: 'POST', headers: { authorization: `Bearer ${a.body.token}` } });
      assert.equal(out.status, 200);
      assert.equal(await closed, 4001);
      await assert.rejects(TestClient.connect(s.t.hub.url, a.body.token), (err: unknown) => err instanceof HttpRefusal && err.status === 401);
      const again = await fetch(`${s.t.hub.url}/v1/auth/signout`, { method: 'POST', headers: { authorization: `Bearer ${a.body.token}` } });
      assert.equal(again.status, 401);
      const record = (await s.t.hub.store.tokens.list('ada')).find((r) => r.id === a.body.tokenId)!;
      assert.ok(record.revokedAt, 'the token is revoked in the store');
      assert.ok((await auditActions(s, 'ada')).includes('auth.signout'));
    });

    it('refuses a replayed callback (the same state and code again)', async () => {
      const first = await signIn(s, 'u-alice');
      assert.equal(first.status, 200);
      await refused(s, async () => ({ ...(await callback(first.browser, first.callbackUrl)), callbackUrl: first.callbackUrl, browser: first.browser }), 400, /unknown or was already finished/);
    });

    it("refuses a callback opened in another browser than the one that started the sign-in (the attacker's code in the victim's browser)", async () => {
      const attacker = new TestBrowser();
      const authUrl = await start(s, attacker);
      const callbackUrl = await attacker.authorize(authUrl.href, 'u-sam', s.callback);
      const victim = new TestBrowser();
      await refused(s, async () => ({ ...(await callback(victim, callbackUrl)), callbackUrl, browser: victim }), 400, /started in another browser/);
      // And the attacker cannot finish it afterwards: the sign-in was used up.
      await refused(s, async () => ({ ...(await callback(attacker, callbackUrl)), callbackUrl, browser: attacker }), 400, /unknown or was already finished/);
    });

    it('refuses a callback with a state the hub never issued', async () => {
      const browser = new TestBrowser();
      await start(s, browser);
      await refused(s, async () => ({ ...(await callback(browser, `${s.callback}?code=forged&state=forged`)), callbackUrl: '', browser }), 400, /unknown or was already finished/);
    });

    it("refuses an ID token for another sign-in's nonce (a replayed nonce)", async () => {
      const old = await start(s, new TestBrowser());
      const oldNonce = old.searchParams.get('nonce')!;
      await refused(s, () => signIn(s, 'u-alice', { tamper: (u) => u.searchParams.set('nonce', oldNonce) }), 400, /nonce/);
    });

    it('refuses an ID token without the nonce the hub asked for', async () => {
      await refused(s, () => signIn(s, 'u-alice', { tamper: (u) => u.searchParams.delete('nonce') }), 400, /nonce/);
    });

    it("refuses an expired ID token (by the hub's clock)", async () => {
      try {
        await refused(s, () => signIn(s, 'u-alice', { beforeCallback: () => s.clock.advance(5 * 60_000) }), 400, /"exp"|expir/);
      } finally {
        s.clock.advance(-5 * 60_000);
      }
    });

    it("refuses an ID token whose signature is not the issuer's (a second provider's key under the same key id)", async () => {
      s.idp.knobs.publishedKeys = [publicKeyOf(newSigningKey())];
      try {
        await refused(s, () => signIn(s, 'u-alice'), 400, /signature/);
      } finally {
        delete s.idp.knobs.publishedKeys;
      }
      assert.equal((await signIn(s, 'u-alice')).status, 200, 'with the real keys the same sign-in passes');
    });

    it('gives a student who claims staff groups the mapping does not grant only the student role', async () => {
      const a = await signIn(s, 'u-sam');
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.equal(a.body.personId, 'sam');
      assert.deepEqual(await s.t.hub.store.courses.enrolmentsOf('sam'), [{ courseId: 'cs101', personId: 'sam', role: 'student' }]);
      const c = await TestClient.connect(s.t.hub.url, a.body.token);
      try {
        await assert.rejects(c.request(ListAuditRequest.type, { courseId: 'cs101' }), (err: unknown) => err instanceof ProtocolError && /only professors/.test(err.message));
      } finally {
        c.close();
      }
    });

    it("never makes a new account an existing person because it asks for their id (preferred_username `prof`)", async () => {
      const a = await signIn(s, 'u-mallory');
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.notEqual(a.body.personId, 'prof');
      assert.equal(a.body.personId, 'prof-2');
      assert.equal(await s.t.hub.store.courses.roleIn('cs101', 'prof'), 'professor');
      assert.equal((await s.t.hub.store.people.get('prof'))!.name, 'Prof. Ada');
      assert.equal(await s.t.hub.store.courses.roleIn('cs101', 'prof-2'), 'student');
    });

    it('says so when the person cancels at the provider, and leaves no session', async () => {
      const browser = new TestBrowser();
      const authUrl = await start(s, browser);
      const toInteraction = await browser.request(authUrl.href);
      const interaction = new URL(toInteraction.headers.get('location')!, authUrl);
      let url = new URL(`${interaction.pathname}/abort`, interaction).href;
      // The provider resumes the authorization, which answers the hub with the error.
      for (let step = 0; step < 5 && !url.startsWith(s.callback); step++) url = new URL((await browser.request(url)).headers.get('location')!, url).href;
      const callbackUrl = url;
      assert.ok(callbackUrl.startsWith(s.callback), callbackUrl);
      await refused(s, async () => ({ ...(await callback(browser, callbackUrl)), callbackUrl, browser }), 400, /the identity provider answered access_denied: End-User aborted interaction/);
    });

    it('refuses an unknown person when the policy is refuse', async () => {
      await refused(s, () => signIn(s, 'u-eve'), 403, /Eve Outsider .*is not enrolled in any course on this hub/);
      assert.equal(await s.t.hub.store.people.get('eve'), undefined);
    });
  });

  describe('a local client (VS Code) on a loopback redirect', () => {
    let s: Setup;
    before(async () => {
      s = await setUp({}, { clientRedirects: ['vscode://classpod.classpod/', 'https://code.uni.example/'] });
    });
    after(async () => s?.close());

    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const clientRedirect = 'http://127.0.0.1:45678/classpod-callback';

    /** The browser part: start with the client's parameters, sign in, follow the hub's redirect to the client's loopback address. */
    async function browserPart(login: string, redirect = clientRedirect): Promise<URL> {
      const browser = new TestBrowser();
      const startUrl = `${s.t.hub.url}/v1/auth/oidc/start?${new URLSearchParams({ redirect_uri: redirect, code_challenge: challenge, state: 'client-state-1' })}`;
      const started = await browser.request(startUrl);
      assert.equal(started.status, 302, await started.text());
      const callbackUrl = await browser.authorize(started.headers.get('location')!, login, s.callback);
      const back = await browser.request(callbackUrl);
      assert.equal(back.status, 302, await back.text());
      const to = new URL(back.headers.get('location')!);
      assert.equal(`${to.protocol}//${to.host}${to.pathname}`, redirect.split('?')[0]);
      assert.equal(to.searchParams.get('state'), 'client-state-1');
      return to;
    }
    const exchange = (code: string, codeVerifier: string): Promise<Response> =>
      fetch(`${s.t.hub.url}/v1/auth/oidc/token`, { method: 'POST', body: new URLSearchParams({ code, code_verifier: codeVerifier }) });

    it('hands the client a one-time code that only its own verifier exchanges for a session, once', async () => {
      const code = (await browserPart('u-ada')).searchParams.get('code')!;
      const before = await counts(s);
      const res = await exchange(code, verifier);
      assert.equal(res.status, 200);
      const session = (await res.json()) as { token: string; personId: string };
      assert.equal(session.personId, 'ada');
      (await TestClient.connect(s.t.hub.url, session.token)).close();
      assert.equal((await counts(s)).tokens, before.tokens + 1);
      const again = await exchange(code, verifier);
      assert.equal(again.status, 400);
      assert.match(((await again.json()) as { error: string }).error, /already exchanged/);
    });

    it("refuses a stolen code without the client's verifier, and the code is used up", async () => {
      const code = (await browserPart('u-sam')).searchParams.get('code')!;
      const before = await counts(s);
      const stolen = await exchange(code, randomBytes(32).toString('base64url'));
      assert.equal(stolen.status, 400);
      assert.match(((await stolen.json()) as { error: string }).error, /code_verifier does not match/);
      assert.equal((await exchange(code, verifier)).status, 400);
      assert.deepEqual(await counts(s), before);
    });

    it("ends in VS Code's URI scheme, and at a listed code-server's /callback keeping its own query (VS Code for the Web hands it to the extension)", async () => {
      const code = (await browserPart('u-ada', 'vscode://classpod.classpod/signed-in')).searchParams.get('code')!;
      assert.equal((await exchange(code, verifier)).status, 200);
      const web = await browserPart('u-ada', 'https://code.uni.example/callback?vscode-reqid=3&vscode-scheme=vscode&vscode-authority=classpod.classpod&vscode-path=%2Fsigned-in');
      assert.equal(web.searchParams.get('vscode-reqid'), '3');
      assert.equal(web.searchParams.get('vscode-authority'), 'classpod.classpod');
      assert.equal((await exchange(web.searchParams.get('code')!, verifier)).status, 200);
    });

    it('tells a client how people sign in here', async () => {
      const res = await fetch(`${s.t.hub.url}/v1/auth/methods`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { token: true, oidc: { issuer: s.idp.url } });
    });

    for (const [what, redirect] of [
      ['another host', 'https://evil.example/cb'],
      ['localhost by name', 'http://localhost:45678/cb'],
      ['a loopback URL with user info', 'http://user@127.0.0.1:45678/cb'],
      ["another extension's URI", 'vscode://evil.extension/signed-in'],
      ['a host that merely starts with a listed one', 'https://code.uni.example.evil.example/callback'],
      ['a listed host over plain http', 'http://code.uni.example/callback'],
    ] as const) {
      it(`refuses a redirect to ${what}, before any sign-in is recorded`, async () => {
        const res = await fetch(`${s.t.hub.url}/v1/auth/oidc/start?${new URLSearchParams({ redirect_uri: redirect, code_challenge: challenge })}`, { redirect: 'manual' });
        assert.equal(res.status, 400);
        assert.match(((await res.json()) as { error: string }).error, /redirect_uri must be a loopback address/);
        assert.equal(await s.t.hub.signIns.countSignIns(), 0);
      });
    }

    it('refuses a local client without a PKCE challenge', async () => {
      const res = await fetch(`${s.t.hub.url}/v1/auth/oidc/start?${new URLSearchParams({ redirect_uri: clientRedirect })}`, { redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { error: string }).error, /needs code_challenge/);
    });
  });

  describe('an unknown person under enrol-student', () => {
    let s: Setup;
    before(async () => {
      s = await setUp({}, { unknownPeople: 'enrol-student', enrolCourses: ['cs101'] });
    });
    after(async () => s?.close());

    it('enrols them as a student of the configured course, audit-logged', async () => {
      const a = await signIn(s, 'u-eve');
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.deepEqual(await s.t.hub.store.courses.enrolmentsOf('eve'), [{ courseId: 'cs101', personId: 'eve', role: 'student' }]);
      assert.deepEqual(await auditActions(s, 'eve'), ['auth.signin', 'person.create', 'role.change']);
    });
  });

  describe('a provider that is not the configured issuer', () => {
    let s: Setup;
    before(async () => {
      s = await setUp({ issuer: (url) => `${url}/elsewhere` });
    });
    after(async () => s?.close());

    it('refuses its discovery document, before any sign-in is recorded', async () => {
      const res = await new TestBrowser().request(`${s.t.hub.url}/v1/auth/oidc/start`);
      assert.equal(res.status, 502);
      assert.match(((await res.json()) as { error: string }).error, /discovery document .* was refused: .*issuer/);
      assert.equal(await s.t.hub.signIns.countSignIns(), 0);
    });

    it('refuses its answer when the discovery document is rewritten to name the configured issuer', async () => {
      s.idp.knobs.discoveryIssuer = s.idp.url;
      await refused(s, () => signIn(s, 'u-alice'), 400, /iss/);
    });
  });

  it('answers 404 on a hub without OpenID Connect, pointing at personal tokens', async () => {
    const t = await startTestHub();
    try {
      const res = await fetch(`${t.hub.url}/v1/auth/oidc/start`, { redirect: 'manual' });
      assert.equal(res.status, 404);
      assert.match(((await res.json()) as { error: string }).error, /no OpenID Connect sign-in configured; use a personal token/);
      assert.deepEqual(await (await fetch(`${t.hub.url}/v1/auth/methods`)).json(), { token: true, oidc: null });
    } finally {
      await t.close();
    }
  });
});
