// The signed-in person: the course server's address and token (kept in the
// editor's secret storage), who the token belongs to, the hub's clock, and the
// connection to the hub that comes back after a drop. A token is a personal
// one (pasted) or a browser sign-in's session, which is renewed before it
// expires and revoked at the hub on sign-out. Sign out forgets the token and
// closes everything.

import { WhoAmIRequest, type ResultOf } from '@classpod/protocol';
import { type Logger } from '@classpod/observability';
import { Emitter, type Disposable, type Event } from '../emitter';
import { ConnectionError, parseServerUrl } from '../connection/connection-error';
import { openEndpoint, type OpenedEndpoint } from '../connection/open-endpoint';
import { HUB_CONNECT_PATH } from '../connection/paths';
import { ReconnectingConnection } from '../connection/reconnecting-connection';
import { renewSession, revokeAtHub, SignInError } from './hub-sign-in';
import { RenewalTimer, type RenewalFailure, type Timers } from './renewal-schedule';
import { CredentialStore, type BrowserSession, type SecretStore, type StoredCredentials } from './stored-credentials';

export { CREDENTIALS_KEY, type SecretStore } from './stored-credentials';

export type WhoAmI = ResultOf<typeof WhoAmIRequest.type>;

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
  /** The renewal timer's clock and timers (tests). */
  timers?: Timers;
}

/** A signed-in account. */
export interface Account {
  server: URL;
  token: string;
  person: WhoAmI;
  /** `token`: a personal token; `browser`: a session from the browser sign-in, renewed before `expiresAt`. */
  kind: 'token' | 'browser';
  expiresAt?: string;
}

export class StudentSession implements Disposable {
  private currentAccount: Account | undefined;
  private hub: ReconnectingConnection | undefined;
  private clockOffsetMs = 0;
  private readonly changes = new Emitter<Account | undefined>();
  /** Fires after sign in, sign out, and when the person's details were refreshed. */
  readonly onDidChange: Event<Account | undefined> = this.changes.event;
  private readonly open: typeof openEndpoint;
  private readonly credentials: CredentialStore;
  private renewal: RenewalTimer | undefined;
  private readonly renewals = new Emitter<Account>();
  /** Fires after the session was renewed (a new token, the same person). */
  readonly onDidRenew: Event<Account> = this.renewals.event;
  private readonly endings = new Emitter<RenewalFailure>();
  /** Fires when a browser session could not be renewed and has ended: the person must sign in again. */
  readonly onDidEnd: Event<RenewalFailure> = this.endings.event;

  constructor(private readonly options: StudentSessionOptions) {
    this.open = options.open ?? openEndpoint;
    this.credentials = new CredentialStore(options.secrets);
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
    await this.credentials.write({ server: server.href, token: trimmed });
    this.start({ server, token: trimmed, person, kind: 'token' });
    this.options.logger.info('signed in', { server: server.origin, person: person.personId });
    return this.currentAccount!;
  }

  /**
   * Sign in with the session a browser sign-in gave (after the code exchange):
   * checked against the server like a token, remembered with its refresh token,
   * and renewed before it expires. Rejects with a ConnectionError; nothing is stored then.
   */
  async signInWithSession(serverText: string, session: BrowserSession): Promise<Account> {
    const server = parseServerUrl(serverText);
    const person = await this.whoAmI(server, session.token);
    const stored: StoredCredentials = { server: server.href, token: session.token, kind: 'browser', expiresAt: session.expiresAt, ...renewalOf(session) };
    await this.credentials.write(stored);
    this.start({ server, token: session.token, person, kind: 'browser', expiresAt: session.expiresAt }, stored);
    this.options.logger.info('signed in through the browser', { server: server.origin, person: person.personId, expiresAt: session.expiresAt });
    return this.currentAccount!;
  }

  /**
   * Renew the browser session now (the timer does this before it expires).
   * Resolves with the new expiry; rejects with a SignInError (retryable when
   * the network failed) and leaves the stored session as it was.
   */
  async renewNow(): Promise<string> {
    const stored = await this.credentials.read();
    const account = this.currentAccount;
    if (!stored || stored.kind !== 'browser' || !account) throw new SignInError('There is no browser sign-in to renew.', false);
    if (!stored.refreshToken) throw new SignInError('This sign-in cannot be renewed; sign in again.', false);
    const renewed = await renewSession(account.server, stored.refreshToken);
    const next: StoredCredentials = { server: stored.server, token: renewed.token, kind: 'browser', expiresAt: renewed.expiresAt, ...renewalOf(renewed) };
    await this.credentials.write(next);
    // Reconnections use the new token; the open connection stays as it is.
    this.currentAccount = { ...account, token: renewed.token, expiresAt: renewed.expiresAt };
    this.options.logger.info('session renewed', { server: account.server.origin, expiresAt: renewed.expiresAt });
    this.renewals.fire(this.currentAccount);
    return renewed.expiresAt;
  }

  /**
   * Sign in again with what secret storage holds, if anything. Resolves
   * undefined when nothing is stored; rejects with a ConnectionError when the
   * stored token was refused or the server cannot be reached (credentials are
   * kept, so Retry can succeed later).
   */
  async restore(): Promise<Account | undefined> {
    let stored = await this.credentials.read();
    if (!stored) return undefined;
    const server = parseServerUrl(stored.server);
    if (stored.kind === 'browser' && Date.parse(stored.expiresAt) <= this.now()) {
      // Expired while the editor was closed: renew first, if it still can be.
      if (!stored.refreshToken || Date.parse(stored.refreshExpiresAt!) <= this.now()) {
        await this.credentials.clear();
        throw new ConnectionError('unauthorized', 'Your Classpod sign-in has expired. Sign in again.');
      }
      let renewed;
      try {
        renewed = await renewSession(server, stored.refreshToken);
      } catch (err) {
        if (err instanceof SignInError && err.retryable) throw new ConnectionError('unreachable', err.message);
        await this.credentials.clear();
        throw new ConnectionError('unauthorized', `Your Classpod sign-in could not be renewed: ${(err as Error).message}`);
      }
      stored = { server: stored.server, token: renewed.token, kind: 'browser', expiresAt: renewed.expiresAt, ...renewalOf(renewed) };
      await this.credentials.write(stored);
    }
    const person = await this.whoAmI(server, stored.token);
    if (stored.kind === 'browser') this.start({ server, token: stored.token, person, kind: 'browser', expiresAt: stored.expiresAt }, stored);
    else this.start({ server, token: stored.token, person, kind: 'token' });
    return this.currentAccount;
  }

  /** The address stored with the credentials, if any (to prefill sign-in). */
  async storedServer(): Promise<string | undefined> {
    return (await this.credentials.read())?.server;
  }

  /**
   * Forget the token and close the connection. A browser session is revoked at
   * the hub too (with its renewal); a personal token is only forgotten here,
   * since the person's scripts may use it as well.
   */
  async signOut(): Promise<void> {
    const stored = await this.credentials.read();
    await this.credentials.clear();
    const was = this.currentAccount;
    this.stop();
    if (stored?.kind === 'browser') {
      try {
        await revokeAtHub(parseServerUrl(stored.server), stored.token);
      } catch (err) {
        // Already revoked or expired (401), or the hub is down: the token is gone from here either way.
        this.options.logger.warn('the hub did not confirm the sign-out', { message: (err as Error).message });
      }
    }
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
    this.renewals.dispose();
    this.endings.dispose();
  }

  private now(): number {
    return this.options.timers?.now() ?? Date.now();
  }

  private async whoAmI(server: URL, token: string): Promise<WhoAmI> {
    const opened = await this.openHub(server, token);
    try {
      return await opened.endpoint.request(WhoAmIRequest.type, {});
    } finally {
      opened.endpoint.close(1000, 'sign-in check done');
    }
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

  private start(account: Account, stored?: StoredCredentials): void {
    this.stop();
    this.currentAccount = account;
    this.observeServerTime(account.person.serverTime);
    if (stored?.kind === 'browser' && stored.refreshToken) {
      const timer = new RenewalTimer({
        renew: () => this.renewNow(),
        onGiveUp: (failure) => {
          if (this.renewal !== timer) return;
          this.options.logger.warn('the browser sign-in could not be renewed', { message: failure.message });
          // The hub refused (or the session ran out): it is over here too.
          void this.credentials.clear();
          this.stop();
          this.changes.fire(undefined);
          this.endings.fire(failure);
        },
        ...(this.options.timers ? { timers: this.options.timers } : {}),
      });
      this.renewal = timer;
      timer.schedule(stored.expiresAt);
    }
    // The token of the moment: a renewal replaces it for the next reconnection.
    this.hub = new ReconnectingConnection(() => this.openHub(account.server, this.currentAccount?.token ?? account.token));
    this.hub.onDidChangeState((s) => {
      if (s.kind === 'offline') this.options.logger.warn('course server connection lost', { problem: s.error.problem, message: s.error.message });
      if (s.kind === 'online') this.options.logger.info('course server connected', { server: account.server.origin });
    });
    this.changes.fire(account);
  }

  private stop(): void {
    this.renewal?.stop();
    this.renewal = undefined;
    this.hub?.dispose();
    this.hub = undefined;
    this.currentAccount = undefined;
  }
}

/** The renewal part of a hub session, when it has one. */
function renewalOf(s: BrowserSession): { refreshToken?: string; refreshExpiresAt?: string } {
  return s.refreshToken && s.refreshExpiresAt ? { refreshToken: s.refreshToken, refreshExpiresAt: s.refreshExpiresAt } : {};
}
