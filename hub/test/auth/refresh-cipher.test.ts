// The sealing of the provider's refresh tokens at rest, and a key rotation
// against a real OpenID Provider: a hub restarted with a new key first re-seals
// what it stored under the old one, renews with it, and keeps renewing once the
// old key is gone; a value that was altered, moved to another row, or sealed
// with a key the file no longer holds does not open.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RefreshCipher, RefreshKeyError, SealedValueError } from '../../src/auth/refresh-cipher';
import type { HubSession } from '../../src/auth/oidc-sign-in';
import { startTestHub, type TestHub } from '../support/test-hub';
import { CLIENT_ID, CLIENT_SECRET, TestBrowser, TestIdentityProvider } from '@classpod/test-support';

const key = (id: string): string => `${id} ${randomBytes(32).toString('base64')}`;

describe('sealing refresh tokens at rest (AES-256-GCM)', () => {
  it('opens what it sealed, with its row as associated data, and nothing altered or moved', () => {
    const c = RefreshCipher.fromText(key('k1'));
    const sealed = c.seal('provider-refresh-token', 'row-a');
    assert.notEqual(c.seal('provider-refresh-token', 'row-a'), sealed, 'a fresh nonce per value');
    assert.equal(c.open(sealed, 'row-a'), 'provider-refresh-token');
    assert.throws(() => c.open(sealed, 'row-b'), SealedValueError);
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3]!, 'base64url');
    flipped[0]! ^= 1;
    assert.throws(() => c.open([...parts.slice(0, 3), flipped.toString('base64url'), parts[4]].join('.'), 'row-a'), /altered or belongs to another row/);
    assert.throws(() => c.open('provider-refresh-token', 'row-a'), /not sealed by this hub/);
  });

  it('seals with the first key and opens with every key; a value of a removed key does not open', () => {
    const k1 = key('k1');
    const k2 = key('k2');
    const old = RefreshCipher.fromText(k1).seal('t', 'r');
    const rotated = RefreshCipher.fromText(`${k2}\n${k1}\n`);
    assert.equal(rotated.open(old, 'r'), 't');
    assert.ok(rotated.isCurrent(rotated.seal('t', 'r')));
    assert.ok(!rotated.isCurrent(old));
    assert.throws(() => RefreshCipher.fromText(k2).open(old, 'r'), /sealed with key k1, which the refresh key file no longer holds/);
  });

  it('refuses key files it cannot use, naming the line', () => {
    assert.throws(() => RefreshCipher.fromText('# only a comment\n'), RefreshKeyError);
    assert.throws(() => RefreshCipher.fromText(`k1 ${randomBytes(16).toString('base64')}`), /line 1: expected "KEY-ID BASE64" with a 32-byte key/);
    assert.throws(() => RefreshCipher.fromText(`${key('k1')}\n${key('k1')}`), /line 2: key id k1 appears twice/);
    assert.throws(() => RefreshCipher.fromText(`../k ${randomBytes(32).toString('base64')}`), /line 1/);
  });

  it('creates a missing key file with one key, readable by its owner only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'classpod-keys-'));
    try {
      const file = join(dir, 'sub', 'oidc-refresh.keys');
      const c = RefreshCipher.fromFile(file);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(RefreshCipher.fromFile(file).open(c.seal('x', 'y'), 'y'), 'x', 'the same key next time');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('rotating the refresh key of a hub signed in through a real provider', function () {
  this.timeout(120_000);
  let idp: TestIdentityProvider;
  let dataDir: string;
  let keyFile: string;
  let t: TestHub | undefined;

  const start = async (): Promise<TestHub> => {
    t = await startTestHub({
      dataDir,
      oidc: { issuer: idp.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: 'openid offline_access email profile groups', roleMapping: { 'cs101-students': [{ course: 'cs101', role: 'student' }] }, refreshKeyFile: keyFile },
    });
    return t;
  };
  const stored = async (h: TestHub, tokenId: string): Promise<string> =>
    (await h.hub.store.database.db.selectFrom('session_refreshes').select('provider_refresh').where('token_id', '=', tokenId).executeTakeFirstOrThrow()).provider_refresh;
  const refresh = async (h: TestHub, refreshToken: string): Promise<{ status: number; body: HubSession & { error?: string } }> => {
    const res = await fetch(`${h.hub.url}/v1/auth/oidc/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }) });
    return { status: res.status, body: (await res.json()) as HubSession & { error?: string } };
  };

  before(async () => {
    idp = await TestIdentityProvider.start({ accounts: [{ sub: 'u-ada', name: 'Ada', email: 'ada@uni.example', preferred_username: 'ada', groups: ['cs101-students'] }] });
    dataDir = mkdtempSync(join(tmpdir(), 'classpod-rotation-'));
    keyFile = join(dataDir, 'keys', 'refresh.keys');
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  after(async () => {
    await idp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('re-seals under the new key at start, renews, and renews once the old key is removed', async () => {
    let h = await start();
    await idp.register(`${h.hub.url}/v1/auth/oidc/callback`);
    // Sign in as VS Code does (the browser part, then the code exchange).
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const browser = new TestBrowser();
    const started = await browser.request(`${h.hub.url}/v1/auth/oidc/start?${new URLSearchParams({ redirect_uri: 'http://127.0.0.1:45678/cb', code_challenge: challenge, state: 's' })}`);
    const back = await browser.request(await browser.authorize(started.headers.get('location')!, 'u-ada', `${h.hub.url}/v1/auth/oidc/callback`));
    const code = new URL(back.headers.get('location')!).searchParams.get('code')!;
    const session = (await (await fetch(`${h.hub.url}/v1/auth/oidc/token`, { method: 'POST', body: new URLSearchParams({ code, code_verifier: verifier }) })).json()) as HubSession;
    const firstKey = readFileSync(keyFile, 'utf8').split('\n').find((l) => l && !l.startsWith('#'))!.split(' ')[0]!;
    assert.ok((await stored(h, session.tokenId)).startsWith(`cpk1.${firstKey}.`));
    await h.close();
    t = undefined;

    // Rotation: a new key on the first line, the old one kept below.
    writeFileSync(keyFile, `${key('k-new')}\n${readFileSync(keyFile, 'utf8')}`);
    h = await start();
    assert.ok((await stored(h, session.tokenId)).startsWith('cpk1.k-new.'), 're-sealed at start');
    const renewed = await refresh(h, session.refreshToken!);
    assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
    await h.close();
    t = undefined;

    // The old key removed: what is stored opens with the new one.
    writeFileSync(keyFile, readFileSync(keyFile, 'utf8').split('\n').filter((l) => !l.startsWith(firstKey)).join('\n'));
    h = await start();
    const again = await refresh(h, renewed.body.refreshToken!);
    assert.equal(again.status, 200, JSON.stringify(again.body));
  });
});
