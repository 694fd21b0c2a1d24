// The signed-in person: the course server's address and token (kept in the
// editor's secret storage), who the token belongs to, the hub's clock, and the
// connection to the hub that comes back after a drop. Sign out forgets the
// token and closes everything.

import { WhoAmIRequest, type ResultOf } from '@classpod/protocol';
import { type Logger } from '@classpod/observability';
import { Emitter, type Disposable, type Event } from '../emitter';
import { ConnectionError, parseServerUrl } from '../connection/connection-error';
import { openEndpoint, type OpenedEndpoint } from '../connection/open-endpoint';
import { HUB_CONNECT_PATH } from '../connection/paths';
import { ReconnectingConnection } from '../connection/reconnecting-connection';

/** Secret storage as the session needs it (VS Code's SecretStorage fits). */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

export type WhoAmI = ResultOf<typeof WhoAmIRequest.type>;

/** What the session remembers in secret storage. */
interface StoredCredentials {
  server: string;
  token: string;
}

export const CREDENTIALS_KEY = 'classpod.credentials';

/** Capabilities this client announces to the hub. */
export const HUB_CAPABILITIES = ['courses', 'assignments', 'submissions', 'events'];

export interface StudentSessionOptions {
  secrets: SecretStore;
  logger: Logger;
  clientVersion: string;
  /** Opens one connection (replaced in tests). */
  open?: typeof openEndpoint;
  /** Connection and request time limits (ms). */
  connectTimeoutMs?: number;
}

/** A signed-in account. */
export interface Account {
  server: URL;
  token: string;
  person: WhoAmI;
}

export class StudentSession implements Disposable {
  private currentAccount: Account | undefined;
  private hub: ReconnectingConnection | undefined;
  private clockOffsetMs = 0;
  private readonly changes = new Emitter<Account | undefined>();
  /** Fires after sign in, sign out, and when the person's details were refreshed. */
  readonly onDidChange: Event<Account | undefined> = this.changes.event;
  private readonly open: typeof openEndpoint;

  constructor(private readonly options: StudentSessionOptions) {
    this.open = options.open ?? openEndpoint;
  }

  get account(): Account | undefined {
    return this.currentAccount;
  }

  /** The connection to the hub while signed in. */
  get connection(): ReconnectingConnection | undefined {
    return this.hub;
  }

  /** The hub's clock now (ms since the epoch): deadlines follow it. */
  serverNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Learn the hub's clock from a time it reported. */
  observeServerTime(iso: string): void {
    const t = Date.parse(iso);
    if (!Number.isNaN(t)) this.clockOffsetMs = t - Date.now();
  }

  /**
   * Check the address and token against the server, then remember them.
   * Rejects with a ConnectionError naming the problem; nothing is stored then.
   */
  async signIn(serverText: string, token: string): Promise<Account> {
    const server = parseServerUrl(serverText);
    const trimmed = token.trim();
    if (!trimmed) throw new ConnectionError('unauthorized', 'The token is empty. Paste the token your professor gave you.');
    const opened = await this.openHub(server, trimmed);
    let person: WhoAmI;
    try {
      person = await opened.endpoint.request(WhoAmIRequest.type, {});
    } finally {
      opened.endpoint.close(1000, 'sign-in check done');
    }
    await this.options.secrets.store(CREDENTIALS_KEY, JSON.stringify({ server: server.href, token: trimmed } satisfies StoredCredentials));
    this.start({ server, token: trimmed, person });
    this.options.logger.info('signed in', { server: server.origin, person: person.personId });
    return this.currentAccount!;
  }

  /**
   * Sign in again with what secret storage holds, if anything. Resolves
   * undefined when nothing is stored; rejects with a ConnectionError when the
   * stored token was refused or the server cannot be reached (credentials are
   * kept, so Retry can succeed later).
   */
  async restore(): Promise<Account | undefined> {
    const raw = await this.options.secrets.get(CREDENTIALS_KEY);
    if (!raw) return undefined;
    let stored: StoredCredentials;
    try {
      stored = JSON.parse(raw) as StoredCredentials;
    } catch {
      await this.options.secrets.delete(CREDENTIALS_KEY);
      return undefined;
    }
    const server = parseServerUrl(stored.server);
    const opened = await this.openHub(server, stored.token);
    try {
      const person = await opened.endpoint.request(WhoAmIRequest.type, {});
      this.start({ server, token: stored.token, person });
      return this.currentAccount;
    } finally {
      opened.endpoint.close(1000, 'sign-in check done');
    }
  }

  /** The address stored with the credentials, if any (to prefill sign-in). */
  async storedServer(): Promise<string | undefined> {
    const raw = await this.options.secrets.get(CREDENTIALS_KEY);
    try {
      return raw ? (JSON.parse(raw) as StoredCredentials).server : undefined;
    } catch {
      return undefined;
    }
  }

  /** Forget the token and close the connection. */
  async signOut(): Promise<void> {
    await this.options.secrets.delete(CREDENTIALS_KEY);
    const was = this.currentAccount;
    this.stop();
    if (was) this.options.logger.info('signed out', { server: was.server.origin });
    this.changes.fire(undefined);
  }

  /** Open a connection to another path on the same server with the same token (the workspace gateway). */
  openPath(path: string, capabilities: string[], resumeSessionId?: string): Promise<OpenedEndpoint> {
    const account = this.currentAccount;
    if (!account) return Promise.reject(new ConnectionError('unauthorized', 'You are not signed in. Run "Classpod: Sign In" first.'));
    return this.open({
      server: account.server,
      path,
      token: account.token,
      capabilities,
      clientVersion: this.options.clientVersion,
      logger: this.options.logger,
      ...(this.options.connectTimeoutMs !== undefined ? { timeoutMs: this.options.connectTimeoutMs } : {}),
      ...(resumeSessionId ? { resumeSessionId } : {}),
    });
  }

  dispose(): void {
    this.stop();
    this.changes.dispose();
  }

  private openHub(server: URL, token: string): Promise<OpenedEndpoint> {
    return this.open({
      server,
      path: HUB_CONNECT_PATH,
      token,
      capabilities: HUB_CAPABILITIES,
      clientVersion: this.options.clientVersion,
      logger: this.options.logger,
      ...(this.options.connectTimeoutMs !== undefined ? { timeoutMs: this.options.connectTimeoutMs } : {}),
    });
  }

  private start(account: Account): void {
    this.stop();
    this.currentAccount = account;
    this.observeServerTime(account.person.serverTime);
    this.hub = new ReconnectingConnection(() => this.openHub(account.server, account.token));
    this.hub.onDidChangeState((s) => {
      if (s.kind === 'offline') this.options.logger.warn('course server connection lost', { problem: s.error.problem, message: s.error.message });
      if (s.kind === 'online') this.options.logger.info('course server connected', { server: account.server.origin });
    });
    this.changes.fire(account);
  }

  private stop(): void {
    this.hub?.dispose();
    this.hub = undefined;
    this.currentAccount = undefined;
  }
}
