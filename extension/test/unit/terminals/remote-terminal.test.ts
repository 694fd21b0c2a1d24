import * as assert from 'node:assert/strict';
import { silentLogger } from '@classpod/observability';
import { WORKSPACE_PAUSED_CLOSE_CODE } from '@classpod/protocol';
import { openEndpoint } from '../../../src/connection/open-endpoint';
import { ReconnectingConnection } from '../../../src/connection/reconnecting-connection';
import { RemoteTerminal, type RemoteTerminalStatus } from '../../../src/terminals/remote-terminal';
import { startRealAgent, type RealAgent } from '../real-agent';

/** Collects a terminal's output and waits for text to appear in it. */
class Screen {
  text = '';
  private waiters: Array<{ re: RegExp; from: number; resolve: () => void }> = [];
  constructor(terminal: RemoteTerminal) {
    terminal.onData((t) => {
      this.text += t;
      this.waiters = this.waiters.filter((w) => {
        if (!w.re.test(this.text.slice(w.from))) return true;
        w.resolve();
        return false;
      });
    });
  }
  /** Resolves when `re` matches output that arrived after this call. */
  waitFor(re: RegExp, from = this.text.length): Promise<void> {
    if (re.test(this.text.slice(from))) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ re, from, resolve }));
  }
}

describe('RemoteTerminal against a real agent', function () {
  let agent: RealAgent;
  let connection: ReconnectingConnection;
  let terminal: RemoteTerminal;
  let screen: Screen;

  beforeEach(async function () {
    agent = await startRealAgent();
    connection = new ReconnectingConnection(
      () => openEndpoint({ server: new URL(agent.url), path: '/v1/connect', token: agent.token, capabilities: ['terminals'], clientVersion: 't', logger: silentLogger }),
      { initialDelayMs: 50 },
    );
    terminal = new RemoteTerminal(connection, { cols: 80, rows: 24, logger: silentLogger });
    screen = new Screen(terminal);
    await terminal.start();
    terminal.input('export PS1="$ "\r');
  });
  afterEach(async function () {
    await terminal.close();
    connection.dispose();
    await agent.close();
  });

  it('echoes what is typed and keeps colours', async function () {
    const seen = screen.waitFor(/hello-3/);
    terminal.input('echo hello-$((1+2)); printf "\\033[31mred\\033[0m\\n"\r');
    await seen;
    await screen.waitFor(new RegExp(`${String.fromCharCode(27)}\\[31mred${String.fromCharCode(27)}\\[0m`), 0);
  });

  it('interrupts a running program with Ctrl-C', async function () {
    const running = screen.waitFor(/sleeping-1/);
    terminal.input('sh -c "echo sleeping-$((0+1)); exec sleep 600"\r');
    await running;
    terminal.input('\x03');
    const after = screen.waitFor(/after-interrupt-7/);
    terminal.input('echo after-interrupt-$((3+4))\r');
    await after;
  });

  it('resizes the pty', async function () {
    terminal.resize(101, 37);
    const size = screen.waitFor(/37 101/);
    terminal.input('stty size\r');
    await size;
  });

  it('reconnects after a drop and replays what it missed, once', async function () {
    const ready = screen.waitFor(/armed-1/);
    terminal.input('echo armed-$((0+1)); sleep 1; echo missed-$((40+2))\r');
    await ready;
    const statuses: RemoteTerminalStatus[] = [];
    const attached = new Promise<void>((resolve) =>
      terminal.onStatus((s) => {
        statuses.push(s);
        if (s.kind === 'attached') resolve();
      }),
    );
    connection.endpoint!.close(4001, 'network cut');
    await attached;
    await screen.waitFor(/missed-42/, 0);
    assert.equal(screen.text.match(/missed-42/g)?.length, 1, 'the missed line appears exactly once');
    assert.equal(statuses[0]?.kind, 'disconnected');
    const attachedStatus = statuses.find((s) => s.kind === 'attached');
    assert.equal(attachedStatus?.kind === 'attached' && attachedStatus.lostBytes, 0);
    const typed = screen.waitFor(/still-here-9/);
    terminal.input('echo still-here-$((4+5))\r');
    await typed;
  });

  it('waits for a key after the hub paused the workspace, then resumes with a new shell, its scrollback kept', async function () {
    const before = screen.waitFor(/before-pause-5/);
    terminal.input('echo before-pause-$((2+3))\r');
    await before;
    const statuses: RemoteTerminalStatus[] = [];
    terminal.onStatus((s) => statuses.push(s));
    const paused = new Promise<void>((resolve) => terminal.onStatus((s) => s.kind === 'paused' && resolve()));
    connection.endpoint!.close(WORKSPACE_PAUSED_CLOSE_CODE, 'workspace paused after 10 min idle');
    await paused;
    assert.deepEqual(statuses[0], { kind: 'paused', reason: 'workspace paused after 10 min idle' });
    // Ten retry delays later it still waits: reconnecting by itself would start the workspace again.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(connection.state.kind, 'offline');
    const resumed = new Promise<void>((resolve) => terminal.onStatus((s) => s.kind === 'resumed' && resolve()));
    terminal.input('q');
    await resumed;
    const after = screen.waitFor(/after-resume-8/);
    terminal.input('echo after-resume-$((4+4))\r');
    await after;
    assert.match(screen.text, /before-pause-5/, 'what was on the screen before the pause is still there');
  });

  it('reports the exit of the shell', async function () {
    const exited = new Promise<RemoteTerminalStatus>((resolve) => terminal.onStatus((s) => s.kind === 'exited' && resolve(s)));
    terminal.input('exit 3\r');
    const s = await exited;
    assert.equal(s.kind === 'exited' && s.exitCode, 3);
  });
});
