// Renewing an OpenID Connect session against a real OpenID Provider
// (oidc-provider) on loopback: a session's one-time refresh token gives a new
// session only while the provider still renews its own refresh token, and
// every refusal (used, expired, revoked at the provider, signed out) says why
// and leaves the old session unusable.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { WhoAmIRequest } from '@classpod/protocol';
import { join } from 'node:path';
import { ManualClock } from '../../src/time/clock';
import { RefreshCipher } from '../../src/auth/refresh-cipher';
import type { OidcOptions } from '../../src/auth/oidc-config';
import type { HubSession } from '../../src/auth/oidc-sign-in';
import { startTestHub, type TestHub } from '../support/test-hub';
import { HttpRefusal, TestClient } from '../support/test-client';
import { CLIENT_ID, CLIENT_SECRET, TestBrowser, TestIdentityProvider, type TestAccount } from '@classpod/test-support';

const ACCOUNTS: TestAccount[] = [
  { sub: 'u-ada', name: 'Ada Lovelace', email: 'ada@uni.example', preferred_username: 'ada', groups: ['cs101-students'] },
  { sub: 'u-tim', name: 'Tim Assistant', email: 'tim@uni.example', preferred_username: 'tim', groups: ['cs101-tas'] },
];

const MAPPING: OidcOptions['roleMapping'] = {
  'cs101-tas': [{ course: 'cs101', role: 'assistant' }],
  'cs101-students': [{ course: 'cs101', role: 'student' }],
};

interface Setup {
  idp: TestIdentityProvider;
  t: TestHub;
  clock: ManualClock;
  close(): Promise<void>;
}

async function setUp(oidc: Partial<OidcOptions> = {}): Promise<Setup> {
  const idp = await TestIdentityProvider.start({ accounts: ACCOUNTS.map((a) => ({ ...a, groups: [...a.groups] })) });
  const clock = new ManualClock(Date.now());
  let t: TestHub | undefined;
  try {
    t = await startTestHub({
      clock,
      oidc: { issuer: idp.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: 'openid offline_access email profile groups', roleMapping: MAPPING, ...oidc },
    });
    await idp.register(`${t.hub.url}/v1/auth/oidc/callback`);
    const hub = t;
    return { idp, t, clock, close: async () => (await hub.close(), await idp.close()) };
  } catch (err) {
    await t?.close();
    await idp.close();
    throw err;
  }
}

/** A local client's sign-in (VS Code): the browser part to its loopback redirect, then the code exchange. */
async function signIn(s: Setup, login: string): Promise<HubSession> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const browser = new TestBrowser();
  const started = await browser.request(`${s.t.hub.url}/v1/auth/oidc/start?${new URLSearchParams({ redirect_uri: 'http://127.0.0.1:45678/cb', code_challenge: challenge, state: 's' })}`);
  assert.equal(started.status, 302, await started.text());
  const callbackUrl = await browser.authorize(started.headers.get('location')!, login, `${s.t.hub.url}/v1/auth/oidc/callback`);
  const back = await browser.request(callbackUrl);
  assert.equal(back.status, 302, await back.text());
  const code = new URL(back.headers.get('location')!).searchParams.get('code')!;
  const res = await fetch(`${s.t.hub.url}/v1/auth/oidc/token`, { method: 'POST', body: new URLSearchParams({ code, code_verifier: verifier }) });
  assert.equal(res.status, 200);
  return (await res.json()) as HubSession;
}

async function refresh(s: Setup, refreshToken: string): Promise<{ status: number; body: HubSession & { error?: string } }> {
  const res = await fetch(`${s.t.hub.url}/v1/auth/oidc/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }) });
  return { status: res.status, body: (await res.json()) as HubSession & { error?: string } };
}

async function whoAmI(s: Setup, token: string): Promise<string> {
  const c = await TestClient.connect(s.t.hub.url, token);
  try {
    return (await c.request(WhoAmIRequest.type, {})).personId;
  } finally {
    c.close();
  }
}

/** The provider's refresh token the hub keeps for a session, opened with the hub's refresh keys. */
async function providerRefreshOf(s: Setup, tokenId: string): Promise<string> {
  const row = await s.t.hub.store.database.db.selectFrom('session_refreshes').select(['refresh_hash', 'provider_refresh']).where('token_id', '=', tokenId).executeTakeFirstOrThrow();
  return RefreshCipher.fromFile(join(s.t.dataDir, 'oidc-refresh.keys')).open(row.provider_refresh, row.refresh_hash);
}

const refusedAtConnect = (err: unknown): boolean => err instanceof HttpRefusal && err.status === 401;

describe('renewing an OpenID Connect session against a real provider', function () {
  this.timeout(120_000);

  describe('a provider that issues refresh tokens (scope offline_access)', () => {
    let s: Setup;
    before(async () => {
      s = await setUp({ refreshMs: 24 * 3_600_000 });
    });
    after(async () => s?.close());

    it('renews: a new session and refresh token, the old session revoked and the old refresh token used up', async () => {
      const first = await signIn(s, 'u-ada');
      assert.match(first.refreshToken ?? '', /^cpr_/);
      assert.ok(first.refreshExpiresAt);
      const renewed = await refresh(s, first.refreshToken!);
      assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
      assert.notEqual(renewed.body.token, first.token);
      assert.notEqual(renewed.body.refreshToken, first.refreshToken);
      assert.equal(renewed.body.refreshExpiresAt, first.refreshExpiresAt, 'renewal does not extend how long the sign-in can be renewed');
      assert.equal(await whoAmI(s, renewed.body.token), 'ada');
      await assert.rejects(TestClient.connect(s.t.hub.url, first.token), refusedAtConnect);
      // The new refresh token renews in turn.
      const third = await refresh(s, renewed.body.refreshToken!);
      assert.equal(third.status, 200, JSON.stringify(third.body));
      const actions = (await s.t.hub.store.database.db.selectFrom('audit').select('action').where('actor_id', '=', 'ada').where('action', 'like', 'auth.%').execute()).map((r) => r.action).sort();
      assert.deepEqual(actions, ['auth.refresh', 'auth.refresh', 'auth.signin']);
    });

    it('a refresh token used a second time ends every session descended from its sign-in, and nothing else', async () => {
      const first = await signIn(s, 'u-ada');
      const second = await refresh(s, first.refreshToken!);
      assert.equal(second.status, 200, JSON.stringify(second.body));
      const third = await refresh(s, second.body.refreshToken!);
      assert.equal(third.status, 200, JSON.stringify(third.body));
      const latestAtProvider = await providerRefreshOf(s, third.body.tokenId);
      // Another sign-in of the same person (another device) is another family.
      const other = await signIn(s, 'u-ada');
      // The attacker replays the first, already spent refresh token.
      const replay = await refresh(s, first.refreshToken!);
      assert.equal(replay.status, 400);
      assert.match(replay.body.error!, /already used: every session of this sign-in is ended/);
      assert.equal(replay.body.token, undefined);
      // The newest session of the family is refused, and so is its refresh token.
      await assert.rejects(TestClient.connect(s.t.hub.url, third.body.token), refusedAtConnect);
      const after = await refresh(s, third.body.refreshToken!);
      assert.equal(after.status, 400);
      assert.match(after.body.error!, /unknown or was already used/);
      // The family's refresh token at the provider was revoked there too.
      const atProvider = await fetch(`${s.idp.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: latestAtProvider, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }).toString(),
      });
      assert.equal(((await atProvider.json()) as { error?: string }).error, 'invalid_grant');
      // The hub keeps nothing of the family.
      const left = await s.t.hub.store.database.db.selectFrom('session_refreshes').select('token_id').where('token_id', 'in', [first.tokenId, second.body.tokenId, third.body.tokenId]).execute();
      assert.deepEqual(left, []);
      // The other sign-in still works and renews.
      assert.equal(await whoAmI(s, other.token), 'ada');
      const otherRenewed = await refresh(s, other.refreshToken!);
      assert.equal(otherRenewed.status, 200, JSON.stringify(otherRenewed.body));
      const reuse = await s.t.hub.store.database.db.selectFrom('audit').select('detail').where('action', '=', 'auth.refresh.reuse').where('actor_id', '=', 'ada').execute();
      assert.equal(reuse.length, 1);
      assert.deepEqual(new Set((JSON.parse(reuse[0]!.detail!) as { revokedTokens: string[] }).revokedTokens), new Set([first.tokenId, second.body.tokenId, third.body.tokenId]));
    });

    it('of two renewals racing with one refresh token, at most one session survives', async () => {
      const first = await signIn(s, 'u-ada');
      const answers = await Promise.all([refresh(s, first.refreshToken!), refresh(s, first.refreshToken!)]);
      const renewed = answers.filter((a) => a.status === 200);
      assert.ok(renewed.length <= 1, JSON.stringify(answers.map((a) => a.status)));
      for (const a of answers.filter((x) => x.status !== 200)) assert.match(a.body.error!, /already used/);
      // Reuse was seen: whatever was issued in the race is revoked with the family.
      for (const a of renewed) await assert.rejects(TestClient.connect(s.t.hub.url, a.body.token), refusedAtConnect);
    });

    it("keeps the provider's refresh token sealed at rest, bound to its row", async () => {
      const a = await signIn(s, 'u-ada');
      const b = await signIn(s, 'u-tim');
      const rows = await s.t.hub.store.database.db.selectFrom('session_refreshes').select(['refresh_hash', 'provider_refresh', 'token_id']).where('token_id', 'in', [a.tokenId, b.tokenId]).execute();
      assert.equal(rows.length, 2);
      const plain = await providerRefreshOf(s, a.tokenId);
      for (const r of rows) {
        assert.match(r.provider_refresh, /^cpk1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        assert.ok(!r.provider_refresh.includes(plain));
      }
      // The file the database is in holds no provider refresh token in the clear.
      const { readdirSync, readFileSync } = await import('node:fs');
      for (const f of readdirSync(s.t.dataDir).filter((n) => /\.(db|sqlite)(-wal)?$/.test(n))) assert.ok(!readFileSync(join(s.t.dataDir, f)).includes(plain), f);
      // A sealed value moved onto another row does not open there: the renewal is refused and ends nothing else.
      const ra = rows.find((r) => r.token_id === a.tokenId)!;
      const rb = rows.find((r) => r.token_id === b.tokenId)!;
      await s.t.hub.store.database.db.updateTable('session_refreshes').set({ provider_refresh: ra.provider_refresh }).where('refresh_hash', '=', rb.refresh_hash).execute();
      const moved = await refresh(s, b.refreshToken!);
      assert.equal(moved.status, 401, JSON.stringify(moved.body));
      assert.match(moved.body.error!, /does not open with the hub's refresh keys/);
      assert.equal(await whoAmI(s, a.token), 'ada');
    });

    it("follows the provider's groups at renewal: a TA who is a student again loses the role", async () => {
      const first = await signIn(s, 'u-tim');
      assert.equal(await s.t.hub.store.courses.roleIn('cs101', 'tim'), 'assistant');
      s.idp.account('u-tim').groups = ['cs101-students'];
      const renewed = await refresh(s, first.refreshToken!);
      assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
      assert.equal(await s.t.hub.store.courses.roleIn('cs101', 'tim'), 'student');
    });

    it('refuses a refresh the provider revoked, saying so, and ends the session it would renew', async () => {
      const first = await signIn(s, 'u-ada');
      await s.idp.revoke(await providerRefreshOf(s, first.tokenId));
      const r = await refresh(s, first.refreshToken!);
      assert.equal(r.status, 401, JSON.stringify(r.body));
      assert.match(r.body.error!, /the identity provider no longer renews this sign-in \(.*invalid_grant.*\); sign in again/);
      assert.equal(r.body.token, undefined);
      await assert.rejects(TestClient.connect(s.t.hub.url, first.token), refusedAtConnect);
    });

    it("refuses a refresh past the hub's renewal limit (by the hub's clock)", async () => {
      const first = await signIn(s, 'u-ada');
      s.clock.advance(25 * 3_600_000);
      try {
        const r = await refresh(s, first.refreshToken!);
        assert.equal(r.status, 400);
        assert.match(r.body.error!, /could be renewed until .* and has expired; sign in again/);
      } finally {
        s.clock.advance(-25 * 3_600_000);
      }
    });

    it("signs out: the refresh token renews nothing and the provider's refresh token is revoked there", async () => {
      const first = await signIn(s, 'u-ada');
      const providerRefresh = await providerRefreshOf(s, first.tokenId);
      const out = await fetch(`${s.t.hub.url}/v1/auth/signout`, { method: 'POST', headers: { authorization: `Bearer ${first.token}` } });
      assert.equal(out.status, 200);
      const r = await refresh(s, first.refreshToken!);
      assert.equal(r.status, 400);
      assert.match(r.body.error!, /unknown or was already used/);
      const atProvider = await fetch(`${s.idp.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: providerRefresh, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }).toString(),
      });
      assert.equal(atProvider.status, 400);
      assert.equal(((await atProvider.json()) as { error: string }).error, 'invalid_grant');
    });

    for (const [what, token] of [
      ['a personal token', `cp_${randomBytes(32).toString('base64url')}`],
      ['a forged refresh token', `cpr_${randomBytes(32).toString('base64url')}`],
      ['nothing', ''],
    ] as const) {
      it(`refuses ${what} as a refresh token`, async () => {
        const r = await refresh(s, token);
        assert.equal(r.status, 400);
        assert.match(r.body.error!, token.startsWith('cpr_') ? /unknown or was already used/ : /missing or is not a Classpod refresh token/);
      });
    }

    it('refuses an unknown grant type', async () => {
      const res = await fetch(`${s.t.hub.url}/v1/auth/oidc/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'password' }) });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { error: string }).error, /grant_type password is not supported/);
    });
  });

  describe('a provider asked without offline_access', () => {
    let s: Setup;
    before(async () => {
      s = await setUp({ scopes: 'openid email profile groups' });
    });
    after(async () => s?.close());

    it('gives a session without a refresh token (it lasts its lifetime, then the person signs in again)', async () => {
      const first = await signIn(s, 'u-ada');
      assert.equal(first.refreshToken, undefined);
      assert.equal(await whoAmI(s, first.token), 'ada');
    });
  });
});
