// One terminal: a process on a pty, its bounded scrollback, and the clients
// attached to it. Output goes to the scrollback and to every attachment's
// binary stream; when any attachment's stream holds more than a threshold of
// unsent bytes the pty is paused, so a flood (`yes`) waits for the slowest
// reader instead of filling memory. A terminal outlives its connections; with
// no client attached for the idle timeout it is closed.

import type { IPty } from 'node-pty';
import { TerminalExitedNotification, type BinaryStream, type RpcEndpoint, type TerminalInfo } from '@classpod/protocol';
import { type Logger } from '@classpod/observability';
import { Scrollback } from './scrollback';

/** node-pty, loaded with the first terminal: an agent nobody opens a terminal in never pays for it. */
let ptyModule: typeof import('node-pty') | undefined;
function nodePty(): typeof import('node-pty') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (ptyModule ??= require('node-pty') as typeof import('node-pty'));
}

/** Unsent bytes on one attachment's stream above which the pty is paused. */
export const PAUSE_ABOVE_BYTES = 256 * 1024;
/** How often a paused terminal checks whether its readers caught up (ms). */
const RESUME_POLL_MS = 5;
/** How long a closed terminal gets to exit after SIGHUP before SIGKILL (ms). */
const KILL_GRACE_MS = 2000;

export interface TerminalSessionOptions {
  id: string;
  shell: string;
  args: string[];
  /** Absolute working directory. */
  cwd: string;
  /** Working directory relative to the root, for listings. */
  cwdRel: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
  scrollbackBytes: number;
  idleTimeoutMs: number;
  /** How long one attachment may hold the terminal paused while another keeps up, before it is let go (ms). */
  slowReaderMs: number;
  logger: Logger;
  /** Called once the terminal is gone for good (exited and released). */
  onGone: (session: TerminalSession) => void;
}

type EndReason = 'exited' | 'closed' | 'idle';

interface Attachment {
  endpoint: RpcEndpoint;
  stream: BinaryStream;
}

/** A terminal. Dispose with `close()`. */
export class TerminalSession {
  readonly id: string;
  readonly startedAt = new Date();
  private readonly pty: IPty;
  private readonly scrollback: Scrollback;
  private readonly attachments = new Set<Attachment>();
  private cols: number;
  private rows: number;
  private paused = false;
  private pausedSince = 0;
  private resumeTimer: ReturnType<typeof setInterval> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private killTimer: ReturnType<typeof setTimeout> | undefined;
  private endReason: EndReason | undefined;
  private exit: { exitCode: number; signal?: number } | undefined;
  private gone = false;
  private readonly exited: Promise<void>;

  constructor(private readonly options: TerminalSessionOptions) {
    this.id = options.id;
    this.cols = options.cols;
    this.rows = options.rows;
    this.scrollback = new Scrollback(options.scrollbackBytes);
    this.pty = nodePty().spawn(options.shell, options.args, {
      name: 'xterm-256color',
      cols: options.cols,
      rows: options.rows,
      cwd: options.cwd,
      env: options.env,
      // UTF-8 also sets the tty's IUTF8 flag, so erasing a multi-byte character erases all of it.
      encoding: 'utf8',
    });
    // Offsets count the UTF-8 bytes clients receive (node-pty decodes split characters correctly).
    this.pty.onData((data) => this.onOutput(Buffer.from(data, 'utf8')));
    this.exited = new Promise((resolve) => {
      this.pty.onExit(({ exitCode, signal }) => {
        this.onExit(exitCode, signal);
        resolve();
      });
    });
    this.armIdleTimer();
  }

  /** Process id of the program. */
  get pid(): number {
    return this.pty.pid;
  }

  /** True once the process ended. */
  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /** Whether output is paused waiting for a slow reader (for tests and metrics). */
  get isPaused(): boolean {
    return this.paused;
  }

  info(): TerminalInfo {
    return {
      terminalId: this.id,
      shell: this.options.shell,
      cwd: this.options.cwdRel,
      cols: this.cols,
      rows: this.rows,
      pid: this.pty.pid,
      attachments: this.attachments.size,
      offset: this.scrollback.end,
      scrollbackStart: this.scrollback.start,
      startedAt: this.startedAt.toISOString(),
      ...(this.exit ? { exitCode: this.exit.exitCode } : {}),
    };
  }

  /**
   * Attach a connection: a new stream replays the scrollback from `fromOffset`
   * and then carries live output; bytes the client writes on it are typed in.
   */
  attach(endpoint: RpcEndpoint, fromOffset?: number): { streamId: number; offset: number; cols: number; rows: number } {
    const stream = endpoint.openStream(endpoint.allocateStreamId());
    const attachment: Attachment = { endpoint, stream };
    // Replay and registration happen in one turn of the event loop: no output can fall between them.
    const { offset, data } = this.scrollback.readFrom(fromOffset ?? 0);
    if (data.byteLength > 0) stream.write(data);
    this.attachments.add(attachment);
    this.clearIdleTimer();
    stream.onData((chunk) => {
      if (!this.exit) this.pty.write(Buffer.from(chunk));
    });
    stream.onEnd(() => this.detach(attachment));
    if (this.exit) {
      // The program ended while nobody was attached: hand over its last output, then let the terminal go.
      this.finishAttachment(attachment);
      this.release();
    } else {
      this.applyBackpressure();
    }
    return { streamId: stream.id, offset, cols: this.cols, rows: this.rows };
  }

  /** Type text. */
  input(data: string): void {
    if (!this.exit) this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.exit) return;
    this.cols = cols;
    this.rows = rows;
    this.pty.resize(cols, rows);
  }

  /** End the terminal: the process gets SIGHUP, then SIGKILL if it lingers; resolves when it is gone. */
  async close(reason: EndReason = 'closed'): Promise<void> {
    this.endReason ??= reason;
    if (!this.exit) {
      try {
        this.pty.kill('SIGHUP');
      } catch {
        // Already gone.
      }
      this.killTimer ??= setTimeout(() => {
        try {
          process.kill(this.pty.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, KILL_GRACE_MS);
      await this.exited;
    }
    this.release();
  }

  private onOutput(data: Buffer): void {
    this.scrollback.append(data);
    for (const a of this.attachments) a.stream.write(data);
    this.applyBackpressure();
  }

  private applyBackpressure(): void {
    if (this.paused || this.exit) return;
    if (![...this.attachments].some((a) => a.stream.pendingBytes > PAUSE_ABOVE_BYTES)) return;
    this.paused = true;
    this.pausedSince = Date.now();
    this.pty.pause();
    this.resumeTimer = setInterval(() => {
      const behind = [...this.attachments].filter((a) => a.stream.pendingBytes > PAUSE_ABOVE_BYTES / 2);
      if (behind.length === 0 || this.exit) {
        this.resume();
        return;
      }
      // A reader that stopped (often a connection that died without closing) must not
      // freeze the terminal for the others: let it go; it can reattach from its offset.
      if (behind.length < this.attachments.size && Date.now() - this.pausedSince > this.options.slowReaderMs) {
        for (const a of behind) {
          this.attachments.delete(a);
          a.stream.end('slow reader: reattach from the last offset read');
        }
        this.options.logger.info('let go of slow terminal readers', { terminalId: this.id, count: behind.length });
        this.resume();
      }
    }, RESUME_POLL_MS);
  }

  private resume(): void {
    if (this.resumeTimer) clearInterval(this.resumeTimer);
    this.resumeTimer = undefined;
    if (!this.paused) return;
    this.paused = false;
    if (!this.exit) this.pty.resume();
  }

  private detach(attachment: Attachment): void {
    if (!this.attachments.delete(attachment)) return;
    if (this.attachments.size === 0) {
      // Nobody is reading: keep the program running, its output goes to the scrollback.
      this.resume();
      this.armIdleTimer();
    }
  }

  private onExit(exitCode: number, signal: number | undefined): void {
    this.exit = signal ? { exitCode, signal } : { exitCode };
    if (this.killTimer) clearTimeout(this.killTimer);
    this.resume();
    this.options.logger.info('terminal ended', { terminalId: this.id, exitCode, signal, reason: this.endReason ?? 'exited' });
    for (const a of [...this.attachments]) this.finishAttachment(a);
    // A program that ended by itself stays listed until the idle timeout, watched
    // or not: an attachment may belong to a connection that already dropped
    // without the agent having noticed yet, and its client, reconnecting, must
    // still find the exit code and the last output. Attaching hands both over
    // and releases the terminal. A terminal closed on purpose goes at once.
    if (this.endReason !== undefined) this.release();
    else this.armIdleTimer();
  }

  private finishAttachment(a: Attachment): void {
    this.attachments.delete(a);
    const exit = this.exit!;
    a.endpoint.notify(TerminalExitedNotification.type, {
      terminalId: this.id,
      exitCode: exit.exitCode,
      ...(exit.signal ? { signal: exit.signal } : {}),
      offset: this.scrollback.end,
      reason: this.endReason ?? 'exited',
    });
    a.stream.end(this.endReason ?? 'exited');
  }

  private armIdleTimer(): void {
    this.clearIdleTimer();
    this.idleTimer = setTimeout(() => void this.close('idle'), this.options.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private release(): void {
    if (this.gone) return;
    this.gone = true;
    this.clearIdleTimer();
    this.resume();
    for (const a of this.attachments) a.stream.end(this.endReason ?? 'exited');
    this.attachments.clear();
    this.options.onGone(this);
  }
}
