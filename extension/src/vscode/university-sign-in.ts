// Sign in with the university's account: the browser opens at the course
// server's OpenID Connect start, the person signs in at their identity
// provider, and the one-time code comes back to this editor through its URI
// handler, where it is exchanged for a session.
//
// Why a URI handler and not a loopback listener: in code-server (VS Code for
// the Web) the extension runs on the server, so a listener on its 127.0.0.1 is
// not the browser's 127.0.0.1 and would never see the redirect. The editor's
// own URI works in both: `env.asExternalUri` turns it into what the browser
// can open (a `vscode://` link on the desktop, the workbench's `/callback` page
// in code-server), and VS Code hands the redirect to this handler either way.
// Nothing listens on a port, so nothing is left open after a sign-in.

import * as vscode from 'vscode';
import { parseServerUrl } from '../connection/connection-error';
import type { Logger } from '../log';
import { BrowserSignIn } from '../session/browser-sign-in';
import { exchangeCode } from '../session/hub-sign-in';
import type { Account, StudentSession } from '../session/student-session';

/** The path of the editor URI the hub sends the code back to. */
export const SIGNED_IN_PATH = '/signed-in';

export class UniversitySignIn implements vscode.UriHandler, vscode.Disposable {
  private readonly receiver = new BrowserSignIn();

  constructor(
    private readonly session: StudentSession,
    private readonly logger: Logger,
    /** This extension's id (`publisher.name`): the authority of its URIs. */
    private readonly extensionId: string,
  ) {}

  /** VS Code's URI handler: a redirect back from the browser. */
  handleUri(uri: vscode.Uri): void {
    if (uri.path !== SIGNED_IN_PATH) {
      this.logger.warn('an editor link for Classpod that it does not know was ignored', { path: uri.path });
      return;
    }
    if (!this.receiver.handleRedirect(uri.query)) this.logger.warn('a sign-in redirect for no sign-in under way was ignored');
  }

  /**
   * Sign in at `serverUrl` through the browser. Resolves with the account, or
   * undefined when the person cancelled; rejects with an error saying what
   * went wrong (the browser did not open, the provider or the hub refused).
   */
  async signIn(serverUrl: string): Promise<Account | undefined> {
    const server = parseServerUrl(serverUrl);
    const editorUri = vscode.Uri.from({ scheme: vscode.env.uriScheme, authority: this.extensionId, path: SIGNED_IN_PATH });
    const callback = await vscode.env.asExternalUri(editorUri);
    const attempt = this.receiver.begin(server, callback.toString(true));
    this.logger.info('browser sign-in started', { server: server.origin, redirect: `${callback.scheme}://${callback.authority}${callback.path}` });
    // A string, not a Uri: a Uri would decode and re-encode the query, and the nested redirect_uri with it.
    const opened = await vscode.env.openExternal(attempt.url as unknown as vscode.Uri);
    if (!opened) {
      attempt.cancel();
      throw new Error(`The browser did not open. Open ${attempt.url} yourself to sign in.`);
    }
    let answer;
    try {
      answer = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Sign in to ${server.host} in your browser…`, cancellable: true },
        (_progress, cancel) => {
          cancel.onCancellationRequested(() => attempt.cancel());
          return attempt.code;
        },
      );
    } catch (err) {
      if (/cancelled/.test((err as Error).message)) return undefined;
      throw err;
    }
    const hubSession = await exchangeCode(server, answer.code, answer.verifier);
    return this.session.signInWithSession(serverUrl, hubSession);
  }

  dispose(): void {
    this.receiver.dispose();
  }
}
