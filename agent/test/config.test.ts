import assert from 'node:assert/strict';
import path from 'node:path';
import { configFromCommandLine, ConfigError, DEFAULTS, resolveConfig } from '../src';
import { durationOption, parseListen, sizeOption } from '../src/config';
import { cleanup, tempDir } from './helpers';

const TOKEN = 'config-test-token-0123456789';

describe('agent configuration', () => {
  afterEach(cleanup);

  it('reads sizes, durations and addresses in the forms --help describes', () => {
    assert.equal(sizeOption('1048576', 'x'), 1048576);
    assert.equal(sizeOption('64KiB', 'x'), 65536);
    assert.equal(sizeOption('2MiB', 'x'), 2 * 1024 * 1024);
    assert.equal(durationOption('30', 'x'), 30_000);
    assert.equal(durationOption('500ms', 'x'), 500);
    assert.equal(durationOption('5m', 'x'), 300_000);
    assert.equal(durationOption('1h', 'x'), 3_600_000);
    assert.equal(durationOption('1h30m', 'x'), 5_400_000);
    assert.deepEqual(parseListen('0.0.0.0:8080'), { host: '0.0.0.0', port: 8080 });
    assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
    assert.throws(() => sizeOption('1MB', '--max-file-bytes'), /--max-file-bytes must be a size/);
    assert.throws(() => durationOption('-1s', '--ping-interval'), /--ping-interval must be a duration/);
    assert.throws(() => parseListen('127.0.0.1:70000'), /HOST:PORT/);
  });

  it('prefers flags to the environment, and the environment to defaults', () => {
    const root = tempDir();
    const cmd = configFromCommandLine(['--root', root, '--scrollback-bytes', '2MiB'], {
      CLASSPOD_AGENT_TOKEN: TOKEN,
      CLASSPOD_AGENT_SCROLLBACK_BYTES: '4MiB',
      CLASSPOD_AGENT_TERMINAL_IDLE_TIMEOUT: '90s',
    });
    assert.ok(!cmd.help);
    if (cmd.help) return;
    assert.equal(cmd.config.scrollbackBytes, 2 * 1024 * 1024);
    assert.equal(cmd.config.terminalIdleTimeoutMs, 90_000);
    assert.equal(cmd.config.pingIntervalMs, DEFAULTS.pingIntervalMs);
    assert.equal(cmd.config.host, '127.0.0.1');
    assert.equal(cmd.config.port, 0);
    assert.equal(cmd.config.root, path.resolve(root));
  });

  it('refuses values that cannot work, naming the option', () => {
    const root = tempDir();
    assert.throws(() => resolveConfig({ root, token: TOKEN, scrollbackBytes: 10 }), (e: Error) => e instanceof ConfigError && /--scrollback-bytes must be at least 1024/.test(e.message));
    assert.throws(() => resolveConfig({ root, token: TOKEN, maxFrameBytes: 1000 }), /--max-frame-bytes/);
    assert.throws(() => resolveConfig({ root, token: TOKEN, port: 70000 }), /port 70000/);
    assert.throws(() => resolveConfig({ root: path.join(root, 'nope'), token: TOKEN }), /does not exist/);
  });

  it('takes the token from standard input and a unix socket to listen on', () => {
    const root = tempDir();
    const cmd = configFromCommandLine(['--root', root, '--token-stdin', '--socket', '/run/classpod/agent.sock'], {}, () => `${TOKEN}\n`);
    assert.ok(!cmd.help);
    if (cmd.help) return;
    assert.equal(cmd.config.token, TOKEN);
    assert.equal(cmd.config.socket, '/run/classpod/agent.sock');
    assert.throws(() => configFromCommandLine(['--root', root, '--token-stdin'], {}, () => ''), /ended without a token/);
    assert.throws(() => configFromCommandLine(['--root', root, '--token-stdin', '--token-file', '/x'], {}, () => TOKEN), /give one/);
    assert.throws(() => resolveConfig({ root, token: TOKEN, socket: 'agent.sock' }), /absolute path/);
  });
});
