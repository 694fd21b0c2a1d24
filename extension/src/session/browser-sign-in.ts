// The extension's end of a browser sign-in: a fresh PKCE verifier and state
// per attempt, the address the browser starts at, and the wait for the
// redirect that comes back to the editor (through its URI handler) with the
// one-time code. Only the redirect that carries this attempt's state finishes
// it; it finishes once, gives up after a time limit, and can be cancelled.
// Nothing here listens on a port: the editor hands the redirect over.

import { createHash, randomBytes } from 'node:crypto';
import { browserSignInUrl, SignInError } from './hub-sign-in';

/** What a started attempt gives: where to send the browser, and the code it comes back with. */
export interface BrowserAttempt {
  url: string;
  /** Resolves with the code and the verifier that exchanges it; rejects on timeout, cancel, or a refusal in the redirect. */
  code: Promise<{ code: string; verifier: string }>;
  cancel(): void;
}

interface Pending {
  state: string;
  verifier: string;
  resolve(v: { code: string; verifier: string }): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class BrowserSignIn {
  private pending: Pending | undefined;

  constructor(
    /** How long the person has to finish in the browser (ms). */
    private readonly timeoutMs = 10 * 60_000,
  ) {}

  /** Start an attempt (an earlier one still waiting is cancelled): `redirect` is where the hub sends the code back to. */
  begin(server: URL, redirect: string): BrowserAttempt {
    this.cancel('A new sign-in was started.');
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const code = new Promise<{ code: string; verifier: string }>((resolve, reject) => {
      const timer = setTimeout(() => this.cancel(`The sign-in was not finished in the browser within ${Math.round(this.timeoutMs / 60_000)} minutes.`), this.timeoutMs);
      this.pending = { state, verifier, resolve, reject, timer };
    });
    // Whoever started the attempt may stop listening (a cancelled dialog): the rejection is not an unhandled one.
    code.catch(() => undefined);
    return { url: browserSignInUrl(server, { redirect, challenge, state }), code, cancel: () => this.cancel('The sign-in was cancelled.') };
  }

  /**
   * A redirect came back (its query: `code` and `state`, or `error`). Resolves
   * to whether it finished the attempt under way; one with another state (an
   * old tab, a forged link) is ignored.
   */
  handleRedirect(query: string): boolean {
    const params = new URLSearchParams(query);
    const p = this.pending;
    if (!p || params.get('state') !== p.state) return false;
    this.finish();
    const code = params.get('code');
    if (code) p.resolve({ code, verifier: p.verifier });
    else p.reject(new SignInError(params.get('error_description') ?? params.get('error') ?? 'The sign-in came back without a code.', false));
    return true;
  }

  /** Whether an attempt is waiting for its redirect. */
  get waiting(): boolean {
    return this.pending !== undefined;
  }

  dispose(): void {
    this.cancel('The sign-in was cancelled.');
  }

  private cancel(message: string): void {
    const p = this.pending;
    if (!p) return;
    this.finish();
    p.reject(new SignInError(message, false));
  }

  private finish(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = undefined;
  }
}
