// A real OpenID Provider on loopback for the sign-in tests of the hub and of
// the extension: `oidc-provider` (a certified implementation) with one
// confidential client, test accounts
// with `groups`, its development login and consent pages, and knobs an
// attacker on the network path would have: publish other keys at the JWKS
// URL, or rewrite the issuer of the discovery document. `browser()` drives the
// provider's pages with a real HTTP client and cookies, as a person's browser.

import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type ProviderType from 'oidc-provider' with { 'resolution-mode': 'import' };

export interface TestAccount {
  sub: string;
  name: string;
  email: string;
  preferred_username?: string;
  groups: string[];
}

export interface ProviderKnobs {
  /** Serve these public keys at the JWKS URL instead of the provider's. */
  publishedKeys?: JsonWebKey[];
  /** Rewrite the `issuer` of the discovery document to this. */
  discoveryIssuer?: string;
  /** Accounts the provider no longer knows (the person left): their refresh tokens stop working. */
  disabledAccounts?: Set<string>;
}

export interface TestProviderOptions {
  accounts: TestAccount[];
  /** The issuer the provider says it is (default: its own URL). */
  issuer?: (url: string) => string;
  /** Lifetime of its ID tokens (s). */
  idTokenTtlS?: number;
  /** The signing key (default: a new RSA key). */
  signingKey?: JsonWebKey;
  /** Lifetime of its refresh tokens (s, default 1 day); it issues them for scope offline_access. */
  refreshTokenTtlS?: number;
}

export const CLIENT_ID = 'classpod-hub';
export const CLIENT_SECRET = 'a-client-secret-for-tests-only-0123456789';

/** A new RS256 signing key as a private JWK with key id `k1`. */
export function newSigningKey(): JsonWebKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
}

/** The public half of a private JWK. */
export function publicKeyOf(jwk: JsonWebKey): JsonWebKey {
  const { kty, n, e, kid, alg, use } = jwk as JsonWebKey & { kid?: string; alg?: string; use?: string };
  return { kty, n, e, kid, alg, use } as JsonWebKey;
}

export class TestIdentityProvider {
  readonly knobs: ProviderKnobs = {};
  private provider: ProviderType | undefined;
  private handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  private constructor(
    readonly url: string,
    private readonly server: ReturnType<typeof createServer>,
    private readonly options: TestProviderOptions,
  ) {}

  /** Listen on loopback; the client is registered by `register` once the hub's callback URL is known. */
  static async start(options: TestProviderOptions): Promise<TestIdentityProvider> {
    const holder: { self?: TestIdentityProvider } = {};
    const server = createServer((req, res) => {
      void holder.self!.handle(req, res).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    holder.self = new TestIdentityProvider(url, server, options);
    return holder.self;
  }

  /** A test account, to change what the provider says of it. */
  account(sub: string): TestAccount {
    const a = this.options.accounts.find((x) => x.sub === sub);
    if (!a) throw new Error(`no test account ${sub}`);
    return a;
  }

  /** The issuer it says it is. */
  get issuer(): string {
    return this.options.issuer?.(this.url) ?? this.url;
  }

  /** Create the provider with the hub's client registered at `redirectUri`. */
  async register(redirectUri: string): Promise<void> {
    const { default: Provider } = await import('oidc-provider');
    const accounts = new Map(this.options.accounts.map((a) => [a.sub, a]));
    const knobs = this.knobs;
    this.provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      jwks: { keys: [(this.options.signingKey ?? newSigningKey()) as never] },
      async findAccount(_ctx, id) {
        const a = accounts.get(id);
        if (!a || knobs.disabledAccounts?.has(id)) return undefined;
        return { accountId: id, claims: async () => ({ ...a }) };
      },
      claims: { openid: ['sub'], email: ['email'], profile: ['name', 'preferred_username'], groups: ['groups'] },
      scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
      conformIdTokenClaims: false,
      ttl: {
        IdToken: this.options.idTokenTtlS ?? 3600,
        AccessToken: 600,
        Interaction: 600,
        Session: 3600,
        Grant: 86_400,
        RefreshToken: this.options.refreshTokenTtlS ?? 86_400,
      },
      cookies: { keys: ['cookie-key-for-tests-only'] },
      features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
    });
    this.handler = this.provider.callback() as unknown as (req: IncomingMessage, res: ServerResponse) => void;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/jwks' && this.knobs.publishedKeys) {
      res.setHeader('content-type', 'application/jwk-set+json');
      res.end(JSON.stringify({ keys: this.knobs.publishedKeys }));
      return;
    }
    if (path === '/.well-known/openid-configuration' && this.knobs.discoveryIssuer && !req.headers['x-test-passthrough']) {
      const doc = (await (await fetch(this.url + path, { headers: { 'x-test-passthrough': '1' } })).json()) as Record<string, unknown>;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ...doc, issuer: this.knobs.discoveryIssuer }));
      return;
    }
    if (!this.handler) {
      res.statusCode = 503;
      res.end('not registered yet');
      return;
    }
    this.handler(req, res);
  }

  /** Revoke a token at the provider, as its administrator would (the person left, or signed out everywhere). */
  async revoke(token: string): Promise<void> {
    const res = await fetch(`${this.url}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }).toString(),
    });
    if (res.status !== 200) throw new Error(`the provider answered ${res.status} to a revocation: ${await res.text()}`);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** A browser: a cookie jar per origin and manual redirects. */
export class TestBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  cookieHeader(url: string): string {
    return [...(this.jar.get(new URL(url).origin) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(url: string, init: { method?: string; body?: URLSearchParams } = {}): Promise<Response> {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(url), ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(init.body ? { body: init.body.toString() } : {}),
    });
    const cookies = this.jar.get(new URL(url).origin) ?? new Map<string, string>();
    this.jar.set(new URL(url).origin, cookies);
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    return res;
  }

  /**
   * Sign in at the provider from its authorization URL as `login`: follow its
   * redirects, answer its login and consent pages, and stop at the redirect
   * back to `callbackPrefix` (resolves to that URL).
   */
  async authorize(authorizationUrl: string, login: string, callbackPrefix: string): Promise<string> {
    let url = authorizationUrl;
    for (let step = 0; step < 20; step++) {
      const res = await this.request(url);
      if (res.status >= 300 && res.status < 400) {
        const next = new URL(res.headers.get('location')!, url).href;
        if (next.startsWith(callbackPrefix)) return next;
        url = next;
        continue;
      }
      const page = await res.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
      if (res.status !== 200 || !prompt) throw new Error(`the provider answered ${res.status} at ${url}: ${page.slice(0, 300)}`);
      const form = new URLSearchParams({ prompt, ...(prompt === 'login' ? { login, password: 'any' } : {}) });
      const posted = await this.request(url, { method: 'POST', body: form });
      if (posted.status < 300 || posted.status >= 400) throw new Error(`the provider answered ${posted.status} to the ${prompt} form: ${(await posted.text()).slice(0, 300)}`);
      url = new URL(posted.headers.get('location')!, url).href;
      if (url.startsWith(callbackPrefix)) return url;
    }
    throw new Error('the provider never redirected back');
  }
}
