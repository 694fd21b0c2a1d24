// What the extension keeps of a sign-in in the editor's secret storage, and
// nothing else: the course server's address and its token; for a browser
// sign-in (OpenID Connect) also when the session expires and the one-time
// refresh token that renews it. A personal token is stored as before
// (`{ server, token }`), so existing sign-ins keep working. What cannot be read
// back is forgotten rather than half-used.

/** Secret storage as the session needs it (VS Code's SecretStorage fits). */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

export const CREDENTIALS_KEY = 'classpod.credentials';

/** A session the hub gave a browser sign-in (`POST /v1/auth/oidc/token`). */
export interface BrowserSession {
  token: string;
  expiresAt: string;
  /** Renews the session once; absent when the hub offers no renewal. */
  refreshToken?: string;
  refreshExpiresAt?: string;
}

/** A personal token (graders, scripts, the demo), or a browser sign-in's session. */
export type StoredCredentials = { server: string; token: string } & ({ kind?: undefined } | ({ kind: 'browser' } & BrowserSession));

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isTime = (v: unknown): v is string => isText(v) && !Number.isNaN(Date.parse(v));

/** The credentials in a stored text, or undefined when it is not one this extension wrote. */
export function parseCredentials(raw: string): StoredCredentials | undefined {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || !isText(v.server) || !isText(v.token)) return undefined;
  if (v.kind === undefined) return { server: v.server, token: v.token };
  if (v.kind !== 'browser' || !isTime(v.expiresAt)) return undefined;
  const renewal = isText(v.refreshToken) && isTime(v.refreshExpiresAt) ? { refreshToken: v.refreshToken, refreshExpiresAt: v.refreshExpiresAt } : {};
  return { server: v.server, token: v.token, kind: 'browser', expiresAt: v.expiresAt, ...renewal };
}

/** The one record of credentials in secret storage. */
export class CredentialStore {
  constructor(private readonly secrets: SecretStore) {}

  /** What is stored; a record that cannot be read back is deleted and reads as nothing. */
  async read(): Promise<StoredCredentials | undefined> {
    const raw = await this.secrets.get(CREDENTIALS_KEY);
    if (!raw) return undefined;
    const parsed = parseCredentials(raw);
    if (!parsed) await this.secrets.delete(CREDENTIALS_KEY);
    return parsed;
  }

  async write(c: StoredCredentials): Promise<void> {
    await this.secrets.store(CREDENTIALS_KEY, JSON.stringify(c));
  }

  async clear(): Promise<void> {
    await this.secrets.delete(CREDENTIALS_KEY);
  }
}
