// Classpod as a VS Code authentication provider: the signed-in account shows
// in the Accounts menu, other extensions may ask for it, and signing out there
// signs out of Classpod. The session is the one StudentSession holds — a
// personal token or a browser sign-in's session, renewed in place — so the
// provider keeps no state of its own.

import * as vscode from 'vscode';
import type { Account, StudentSession } from '../session/student-session';

export const AUTH_PROVIDER_ID = 'classpod';
export const AUTH_PROVIDER_LABEL = 'Classpod';

/** The VS Code session of an account. */
export function sessionOf(account: Account): vscode.AuthenticationSession {
  return {
    // One sign-in, one id: a renewal changes the token, not the session.
    id: `${account.kind}:${account.server.origin}:${account.person.personId}`,
    accessToken: account.token,
    account: { id: `${account.person.personId}@${account.server.host}`, label: `${account.person.name} (${account.server.host})` },
    scopes: [],
  };
}

export class ClasspodAuthenticationProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changes.event;
  private current: vscode.AuthenticationSession | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly session: StudentSession,
    /** Run the sign-in (the same as the Sign In command); resolves true when signed in. */
    private readonly signIn: () => Promise<boolean>,
    private readonly signOut: () => Promise<void>,
  ) {
    this.current = session.account ? sessionOf(session.account) : undefined;
    this.subscriptions = [
      session.onDidChange((account) => {
        const was = this.current;
        this.current = account ? sessionOf(account) : undefined;
        this.changes.fire({ added: this.current ? [this.current] : [], removed: was ? [was] : [], changed: [] });
      }),
      session.onDidRenew((account) => {
        this.current = sessionOf(account);
        this.changes.fire({ added: [], removed: [], changed: [this.current] });
      }),
    ];
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    return this.current ? [this.current] : [];
  }

  async createSession(): Promise<vscode.AuthenticationSession> {
    if (!(await this.signIn()) || !this.session.account) throw new Error('Signing in to Classpod was cancelled.');
    return sessionOf(this.session.account);
  }

  async removeSession(sessionId: string): Promise<void> {
    if (this.current?.id === sessionId) await this.signOut();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changes.dispose();
  }
}
