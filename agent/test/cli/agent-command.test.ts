import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { FileWriteRequest, ProtocolError, TerminalListRequest, TerminalOpenRequest } from '@classpod/protocol';
import { agentCommandPath } from '../../src';
import { cleanup, client, openConnection, tempDir, TOKEN } from '../helpers';
import { spawnAgent } from '../process';

const run = promisify(execFile);

describe('classpod-agent command', function () {
  // Starts processes; a loaded machine makes that slow.
  this.timeout(60_000);
  afterEach(cleanup);

  it('prints exactly one line with its address, logs JSON to stderr, and stops on SIGTERM', async () => {
    const root = path.join(tempDir(), 'ws');
    mkdirSync(root);
    const tokenFile = path.join(tempDir(), 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    const agent = await spawnAgent(['--root', root, '--listen', '127.0.0.1:0', '--token-file', tokenFile], { CLASSPOD_AGENT_TOKEN: '' });
    assert.match(agent.stdout(), /^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    const { endpoint } = await openConnection(agent.connectUrl);
    await endpoint.hello({ capabilities: [], client });
    assert.equal((await fetch(`${agent.url}/healthz`)).status, 200);
    await endpoint.request(TerminalOpenRequest.type, { shell: '/bin/sh', args: ['-c', 'sleep 600'], cols: 80, rows: 24 });
    const shellPid = (await endpoint.request(TerminalListRequest.type, {})).terminals[0]!.pid;
    const exited = once(agent.child, 'exit');
    agent.child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0);
    assert.throws(() => process.kill(shellPid, 0), 'the terminal it ran is gone too');
    assert.equal(agent.stdout().split('\n').filter(Boolean).length, 1, 'one line on standard output, nothing else');
    const logs = agent.stderr().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; url?: string });
    assert.ok(logs.some((l) => l.msg === 'agent listening' && l.url === agent.url));
    assert.ok(logs.some((l) => l.msg === 'agent stopped'));
  });

  it('with --parent-pid, stops when the process that started it is killed', async () => {
    const root = path.join(tempDir(), 'ws');
    mkdirSync(root);
    // A parent shell starts the agent in the background, prints its pid, and is then killed with SIGKILL.
    const parent = spawn('sh', ['-c', '"$0" "$@" --parent-pid $$ >/dev/null 2>&1 & echo $!; wait', process.execPath, agentCommandPath(), '--root', root, '--listen', '127.0.0.1:0'], {
      env: { ...process.env, CLASSPOD_AGENT_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [line] = (await once(parent.stdout!, 'data')) as [Buffer];
    const agentPid = Number(line.toString().trim());
    assert.ok(agentPid > 0);
    const alive = (): boolean => {
      try {
        process.kill(agentPid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      assert.ok(alive(), 'the agent runs while its parent does');
      parent.kill('SIGKILL');
      const deadline = Date.now() + 30_000;
      while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(alive(), false, 'the agent stopped once its parent was gone');
    } finally {
      if (alive()) process.kill(agentPid, 'SIGKILL');
    }
  });

  it('listens on a unix socket, reading its token from standard input, and nothing on TCP', async () => {
    const dir = tempDir();
    const root = path.join(dir, 'ws');
    mkdirSync(root);
    const socket = path.join(dir, 'agent.sock');
    const agent = await spawnAgent(['--root', root, '--socket', socket, '--token-stdin'], { CLASSPOD_AGENT_TOKEN: '' }, `${TOKEN}\n`);
    assert.equal(agent.stdout(), `listening on unix:${socket}\n`);
    assert.ok(lstatSync(socket).isSocket());
    assert.equal(lstatSync(socket).mode & 0o777, 0o600, 'only its own user may connect');
    const readyz = await new Promise<number>((resolve, reject) => {
      http.get({ socketPath: socket, path: '/readyz' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).once('error', reject);
    });
    assert.equal(readyz, 200);
    const { endpoint } = await openConnection(agent.connectUrl);
    await endpoint.hello({ capabilities: [], client });
    await endpoint.request(FileWriteRequest.type, { path: 'over-the-socket.txt', contentBase64: Buffer.from('hi').toString('base64') });
    await assert.rejects(openConnection(agent.connectUrl, 'not-the-token-from-stdin'), /401/);
    const listening = new Set(
      ['tcp', 'tcp6'].flatMap((f) =>
        readFileSync(`/proc/net/${f}`, 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((c) => c[3] === '0A').map((c) => c[9]),
      ),
    );
    const sockets = readdirSync(`/proc/${agent.pid}/fd`).map((fd) => { try { return readlinkSync(`/proc/${agent.pid}/fd/${fd}`); } catch { return ''; } });
    assert.ok(sockets.some((l) => l.startsWith('socket:')), 'the check sees the agent\'s sockets');
    assert.deepEqual(sockets.filter((l) => listening.has(/^socket:\[(\d+)\]$/.exec(l)?.[1] ?? '')), [], 'no listening TCP socket');
    const exited = once(agent.child, 'exit');
    agent.child.kill('SIGTERM');
    assert.equal((await exited)[0], 0);
  });

  it('answers --help and -h from its installed command with its usage on standard output and exit status 0', () => {
    for (const flag of ['--help', '-h']) {
      const r = spawnSync(path.join(__dirname, '..', '..', '..', 'bin', 'classpod-agent'), [flag], { encoding: 'utf8' });
      assert.deepEqual([r.status, r.stderr], [0, ''], flag);
      assert.match(r.stdout, /^usage: classpod-agent --root DIR/, flag);
    }
  });

  it('lists every option with its environment variable in --help', async () => {
    const { stdout } = await run(process.execPath, [agentCommandPath(), '--help']);
    for (const flag of ['--root', '--listen', '--socket', '--token-file', '--token-stdin', '--scrollback-bytes', '--terminal-idle-timeout', '--ping-interval', '--max-file-bytes', '--max-frame-bytes', '--shell']) {
      assert.ok(stdout.includes(flag), `--help names ${flag}`);
    }
    for (const env of ['CLASSPOD_AGENT_ROOT', 'CLASSPOD_AGENT_TOKEN', 'CLASSPOD_AGENT_LISTEN']) assert.ok(stdout.includes(env), `--help names ${env}`);
  });

  it('refuses to start with a bad configuration, saying what is wrong', async () => {
    const root = tempDir();
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [[], { CLASSPOD_AGENT_TOKEN: TOKEN }, /--root DIR .* is required/],
      [['--root', root], { CLASSPOD_AGENT_TOKEN: '' }, /a token is required/],
      [['--root', path.join(root, 'missing')], { CLASSPOD_AGENT_TOKEN: TOKEN }, /does not exist/],
      [['--root', root, '--listen', 'nowhere'], { CLASSPOD_AGENT_TOKEN: TOKEN }, /--listen must be HOST:PORT/],
      [['--root', root, '--scrollback-bytes', 'lots'], { CLASSPOD_AGENT_TOKEN: TOKEN }, /--scrollback-bytes must be a size/],
      [['--root', root, '--terminal-idle-timeout', 'soon'], { CLASSPOD_AGENT_TOKEN: TOKEN }, /must be a duration/],
      [['--root', root, '--token', TOKEN], {}, /Unknown option '--token'/],
      [['--root', root], { CLASSPOD_AGENT_TOKEN: 'short' }, /at least 16 characters/],
      [['--root', root, '--token-stdin'], { CLASSPOD_AGENT_TOKEN: '' }, /standard input ended without a token/],
      [['--root', root, '--socket', 'relative.sock'], { CLASSPOD_AGENT_TOKEN: TOKEN }, /--socket must be an absolute path/],
      [['--root', root, '--socket', `/${'x'.repeat(120)}`], { CLASSPOD_AGENT_TOKEN: TOKEN }, /at most 107/],
      [['--root', root, '--socket', '/tmp/a.sock', '--listen', '127.0.0.1:0'], { CLASSPOD_AGENT_TOKEN: TOKEN }, /give one/],
    ];
    await Promise.all(cases.map(async ([args, env, message]) => {
      const running = run(process.execPath, [agentCommandPath(), ...args], { env: { PATH: process.env.PATH, ...env } });
      running.child.stdin?.end();
      const result = await running.then(
        () => ({ code: 0, stderr: '' }),
        (err: { code: number; stderr: string }) => err,
      );
      assert.equal(result.code, 2, `${args.join(' ')} exits with 2`);
      assert.match(result.stderr, message);
    }));
  });

  it('reads options from the environment', async () => {
    const root = path.join(tempDir(), 'ws');
    mkdirSync(root);
    const agent = await spawnAgent([], { CLASSPOD_AGENT_ROOT: root, CLASSPOD_AGENT_LISTEN: '127.0.0.1:0', CLASSPOD_AGENT_MAX_FILE_BYTES: '1KiB' });
    const { endpoint } = await openConnection(agent.connectUrl);
    await endpoint.hello({ capabilities: [], client });
    await assert.rejects(
      endpoint.request(FileWriteRequest.type, { path: 'x', contentBase64: Buffer.alloc(1025).toString('base64') }),
      (e: ProtocolError) => ProtocolError.is(e, 'TooLarge'),
    );
  });
});
