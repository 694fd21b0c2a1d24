// Sign in and sign out: two input boxes (the address, checked before the token
// is asked for, then the token), a check against the server, and a message
// that says what went wrong — wrong address, refused token, server down —
// with a way to try again or change the address. When the server offers the
// university's sign-in (OpenID Connect), the person chooses between it (in
// the browser) and a personal token after the address.

import * as vscode from 'vscode';
import { ConnectionError, parseServerUrl } from '../connection/connection-error';
import { checkServer } from '../connection/server-check';
import type { Logger } from '../log';
import { signInMethods } from '../session/hub-sign-in';
import type { StudentSession } from '../session/student-session';
import type { UniversitySignIn } from './university-sign-in';

/** Arguments that skip the input boxes (tests, links from the walkthrough). */
export interface SignInArgs {
  serverUrl?: string;
  token?: string;
  /** `browser`: the university's sign-in without asking; `token`: a personal token without asking. */
  method?: 'browser' | 'token';
}

const DEMO_URL = 'http://127.0.0.1:8080';

export class SignInCommands {
  constructor(
    private readonly session: StudentSession,
    private readonly logger: Logger,
    private readonly university?: UniversitySignIn,
  ) {}

  /** `classpod.signIn`: resolves true when signed in. */
  async signIn(args: SignInArgs = {}): Promise<boolean> {
    const configured = vscode.workspace.getConfiguration('classpod').get<string>('serverUrl') || (await this.session.storedServer());
    const serverUrl =
      args.serverUrl ??
      (await vscode.window.showInputBox({
        title: 'Classpod: Sign In (1/2)',
        prompt: 'Address of your course server',
        placeHolder: `e.g. https://classpod.example.edu or ${DEMO_URL}`,
        value: configured ?? '',
        ignoreFocusOut: true,
        validateInput: (text) => {
          try {
            parseServerUrl(text);
            return undefined;
          } catch (err) {
            return (err as Error).message;
          }
        },
      }));
    if (!serverUrl) return false;
    // The address first: a wrong or unreachable one is named before a token is asked for.
    if (args.token === undefined && !(await this.checkAddress(serverUrl))) return false;
    if (args.token === undefined) {
      const method = args.method ?? (await this.chooseMethod(serverUrl));
      if (method === undefined) return false;
      if (method === 'browser') return this.signInWithBrowser(serverUrl);
    }
    const token =
      args.token ??
      (await vscode.window.showInputBox({
        title: 'Classpod: Sign In (2/2)',
        prompt: `Your personal token for ${serverUrl}`,
        password: true,
        ignoreFocusOut: true,
        validateInput: (text) => (text.trim() ? undefined : 'Paste the token your professor gave you.'),
      }));
    if (!token) return false;
    return this.attempt(serverUrl, token, args.serverUrl !== undefined && args.token !== undefined);
  }

  /** Check that a Classpod hub answers at the address; on failure offer to change it or retry. */
  private async checkAddress(serverUrl: string): Promise<boolean> {
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Checking ${serverUrl}…` }, () => checkServer(serverUrl));
      return true;
    } catch (err) {
      const error = err instanceof ConnectionError ? err : new ConnectionError('not-classpod', (err as Error).message);
      this.logger.warn('the course server address failed its check', { problem: error.problem, message: error.message, detail: error.detail });
      const choice = await vscode.window.showErrorMessage(error.message, 'Change Address', 'Retry');
      if (choice === 'Retry') return this.checkAddress(serverUrl);
      if (choice === 'Change Address') void this.signIn();
      return false;
    }
  }

  /** The university's sign-in or a personal token, when the server offers both; undefined when the person cancelled. */
  private async chooseMethod(serverUrl: string): Promise<'browser' | 'token' | undefined> {
    if (!this.university) return 'token';
    let offered;
    try {
      offered = await signInMethods(parseServerUrl(serverUrl));
    } catch (err) {
      // The token's check names what is wrong with the address or the server.
      this.logger.info('could not ask the server how to sign in', { message: (err as Error).message });
      return 'token';
    }
    if (!offered.oidc) return 'token';
    const picked = await vscode.window.showQuickPick(
      [
        { label: '$(globe) Sign in with your university account', detail: `In your browser, at ${new URL(offered.oidc.issuer).host}`, method: 'browser' as const },
        { label: '$(key) Use a personal token', detail: 'A token your professor or the course staff gave you', method: 'token' as const },
      ],
      { title: 'Classpod: Sign In', placeHolder: `How do you sign in to ${new URL(serverUrl).host}?`, ignoreFocusOut: true },
    );
    return picked?.method;
  }

  private async signInWithBrowser(serverUrl: string): Promise<boolean> {
    try {
      const account = await this.university!.signIn(serverUrl);
      if (!account) return false;
      await this.rememberAddress(account.server);
      void vscode.window.showInformationMessage(`Signed in to Classpod as ${account.person.name} (${account.person.personId}).`);
      return true;
    } catch (err) {
      this.logger.warn('browser sign-in failed', { message: (err as Error).message });
      const choice = await vscode.window.showErrorMessage(`Sign-in failed: ${(err as Error).message}`, 'Try Again', 'Use a Personal Token');
      if (choice === 'Try Again') return this.signInWithBrowser(serverUrl);
      if (choice === 'Use a Personal Token') return this.signIn({ serverUrl, method: 'token' });
      return false;
    }
  }

  private async rememberAddress(server: URL): Promise<void> {
    await vscode.workspace
      .getConfiguration('classpod')
      .update('serverUrl', server.origin + server.pathname.replace(/\/$/, ''), vscode.ConfigurationTarget.Global)
      .then(undefined, () => undefined);
  }

  /** `classpod.signOut`. */
  async signOut(): Promise<void> {
    const kind = this.session.account?.kind;
    await this.session.signOut();
    void vscode.window.showInformationMessage(
      kind === 'browser' ? 'Signed out of Classpod. Your session was ended at the course server.' : 'Signed out of Classpod. Your token was removed from this machine.',
    );
  }

  /** Sign in with stored credentials at activation; says what went wrong when it cannot. */
  async restore(): Promise<void> {
    try {
      await this.session.restore();
    } catch (err) {
      const error = err instanceof ConnectionError ? err : new ConnectionError('unreachable', String(err));
      this.logger.warn('could not sign in with the stored token', { problem: error.problem, message: error.message });
      const choice = await vscode.window.showErrorMessage(error.message, 'Retry', 'Sign In Again');
      if (choice === 'Retry') return this.restore();
      if (choice === 'Sign In Again') await this.signIn();
    }
  }

  private async attempt(serverUrl: string, token: string, quiet: boolean): Promise<boolean> {
    try {
      const account = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Connecting to ${serverUrl}…` },
        () => this.session.signIn(serverUrl, token),
      );
      await vscode.workspace
        .getConfiguration('classpod')
        .update('serverUrl', account.server.origin + account.server.pathname.replace(/\/$/, ''), vscode.ConfigurationTarget.Global)
        .then(undefined, () => undefined);
      void vscode.window.showInformationMessage(`Signed in to Classpod as ${account.person.name} (${account.person.personId}).`);
      return true;
    } catch (err) {
      const error = err instanceof ConnectionError ? err : new ConnectionError('not-classpod', (err as Error).message);
      this.logger.warn('sign-in failed', { problem: error.problem, message: error.message, detail: error.detail });
      const actions = error.problem === 'unauthorized' ? ['Enter Another Token', 'Retry'] : error.problem === 'forbidden' || error.problem === 'version' ? ['Retry'] : ['Change Address', 'Retry'];
      const follow = (choice: string | undefined): Promise<boolean> | boolean => {
        if (choice === 'Retry') return this.attempt(serverUrl, token, false);
        if (choice === 'Enter Another Token') return this.signIn({ serverUrl });
        if (choice === 'Change Address') return this.signIn();
        return false;
      };
      const shown = vscode.window.showErrorMessage(error.message, ...actions);
      // Called with arguments (a test, a link): report the failure to the caller too.
      if (quiet) {
        void shown.then(follow);
        throw error;
      }
      return follow(await shown);
    }
  }
}
