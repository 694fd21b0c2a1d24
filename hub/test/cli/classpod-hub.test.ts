// `classpod-hub` as an administrator uses it: create a course from a folder,
// import students from CSV, issue, list and revoke tokens, add an assignment,
// show status; mistakes answered with a usage message and exit code 2.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HUB_CLI, hubCli, tokenFrom } from '../support/hub-process';
import { DEMO_COURSE_DIR } from '../support/test-hub';
import { parseStudentCsv } from '../../src/admin/course-setup';
import { openStore } from '../../src/store/open-store';

describe('classpod-hub command', function () {
  this.timeout(60_000);
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'classpod-hub-cli-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const run = (args: string[]): { status: number | null; out: string; err: string } => {
    const r = spawnSync(process.execPath, [HUB_CLI, ...args, '--data', dataDir], { encoding: 'utf8' });
    return { status: r.status, out: r.stdout, err: r.stderr };
  };

  it('sets up a course, imports students, manages tokens and shows status', () => {
    const created = hubCli(['course', 'create', '--data', dataDir, '--from', DEMO_COURSE_DIR]);
    assert.match(created, /course cs101 .* with 3 assignments/);
    assert.match(created, /c-sum: Sum and mean \(C\), due .*, 4 hidden tests/);
    const csv = join(dataDir, 'students.csv');
    writeFileSync(csv, 'id,name,email\nalice,"Liddell, Alice",alice@example.org\r\nbob,Bob,\n');
    assert.match(hubCli(['students', 'import', '--data', dataDir, '--course', 'cs101', '--csv', csv]), /imported 2 students into cs101/);
    const issued = hubCli(['tokens', 'issue', '--data', dataDir, '--person', 'alice', '--expires', '30d']);
    tokenFrom(issued);
    const id = /token (t_[0-9a-f]+)/.exec(issued)![1]!;
    assert.match(hubCli(['tokens', 'list', '--data', dataDir, '--person', 'alice']), new RegExp(`${id}  alice  hub  created .* expires`));
    assert.match(hubCli(['tokens', 'revoke', '--data', dataDir, id]), /revoked/);
    assert.match(hubCli(['tokens', 'list', '--data', dataDir]), /REVOKED/);
    const status = hubCli(['status', '--data', dataDir]);
    assert.match(status, /course cs101 \(Introduction to Programming \(demo\)\): 2 students, 0 staff, 3 assignments, 0 submissions/);
    assert.match(status, /grading jobs: 0 queued/);
  });

  it("sets a course's idle time, back to the hub's with `default`, and refuses an unknown course or a bad duration", async () => {
    hubCli(['course', 'create', '--data', dataDir, '--from', DEMO_COURSE_DIR]);
    assert.match(hubCli(['course', 'idle', '--data', dataDir, '--course', 'cs101', '--idle-stop', '90s']), /course cs101: workspaces stop after 90 s idle/);
    const idleSeconds = async (): Promise<number | undefined> => {
      const store = await openStore({ dataDir });
      try {
        return await store.courses.idleStopSeconds('cs101');
      } finally {
        await store.close();
      }
    };
    assert.equal(await idleSeconds(), 90);
    assert.match(hubCli(['course', 'idle', '--data', dataDir, '--course', 'cs101', '--idle-stop', 'default']), /follow the hub's idle time/);
    assert.equal(await idleSeconds(), undefined);
    const unknown = run(['course', 'idle', '--course', 'cs999', '--idle-stop', '1m']);
    assert.deepEqual([unknown.status, /no course cs999/.test(unknown.err)], [2, true], unknown.err);
    const bad = run(['course', 'idle', '--course', 'cs101', '--idle-stop', 'soon']);
    assert.deepEqual([bad.status, /--idle-stop must be a duration/.test(bad.err)], [2, true], bad.err);
    assert.equal(await idleSeconds(), undefined, 'a refused change changes nothing');
  });

  it("sets a course's late days, none with `none`, and refuses a bad count", async () => {
    hubCli(['course', 'create', '--data', dataDir, '--from', DEMO_COURSE_DIR]);
    const lateDays = async (): Promise<number> => {
      const store = await openStore({ dataDir });
      try {
        return await store.lateDays.courseDays('cs101');
      } finally {
        await store.close();
      }
    };
    assert.match(hubCli(['course', 'late-days', '--data', dataDir, '--course', 'cs101', '--days', '2']), /course cs101: every student has 2 late days/);
    assert.equal(await lateDays(), 2);
    for (const days of ['-1', '1.5', '366', 'many']) {
      const bad = run(['course', 'late-days', '--course', 'cs101', `--days=${days}`]);
      assert.deepEqual([bad.status, /--days takes a whole number from 0 to 365, or none/.test(bad.err)], [2, true], bad.err);
    }
    const unknown = run(['course', 'late-days', '--course', 'cs999', '--days', '1']);
    assert.deepEqual([unknown.status, /no course cs999/.test(unknown.err)], [2, true], unknown.err);
    assert.equal(await lateDays(), 2, 'a refused change changes nothing');
    assert.match(hubCli(['course', 'late-days', '--data', dataDir, '--course', 'cs101', '--days', 'none']), /course cs101: no late days/);
    assert.equal(await lateDays(), 0);
  });

  it('adds an assignment from a folder and says what students receive', () => {
    hubCli(['course', 'create', '--data', dataDir, '--id', 'cs202', '--title', 'Data structures']);
    const out = hubCli(['assignment', 'add', '--data', dataDir, '--course', 'cs202', '--folder', join(DEMO_COURSE_DIR, 'assignments/py-primes')]);
    assert.match(out, /assignment py-primes: Counting primes \(Python\)/);
    assert.match(out, /students receive: primes\.py, \.classpod\/assignment\.json, \.classpod\/README\.md, \.classpod\/tests\/spec\.json/);
    assert.doesNotMatch(out, /solution|hidden-/);
  });

  it('answers --help from its installed command with its usage on standard output and exit status 0, and no command with exit status 2', () => {
    const bin = join(__dirname, '..', '..', '..', 'bin', 'classpod-hub');
    for (const flag of ['--help', '-h']) {
      const help = spawnSync(bin, [flag], { encoding: 'utf8' });
      assert.deepEqual([help.status, help.stderr], [0, ''], flag);
      assert.match(help.stdout, /^usage: classpod-hub <command> \[options\]/, flag);
    }
    const none = spawnSync(bin, [], { encoding: 'utf8' });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /^usage: classpod-hub/);
  });

  it('answers mistakes with a message and exit code 2', () => {
    for (const [args, message] of [
      [['frobnicate'], /unknown command/],
      [['course', 'create', '--id', 'Bad Id', '--title', 'x'], /lowercase letters/],
      [['tokens', 'issue', '--person', 'nobody'], /no person nobody/],
      [['tokens', 'revoke', 't_missing'], /no live token/],
      [['students', 'import', '--course', 'nope', '--csv', '/dev/null'], /no course nope/],
      [['people', 'add', '--id', 'x'], /--name is required/],
      [['serve', '--provider', 'bogus', '--port', '0'], /--provider must be local or kubernetes/],
      [['serve', '--port', '0', '--agent', ''], /the local workspace provider needs the agent program/],
    ] as Array<[string[], RegExp]>) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, message);
    }
  });

  it('takes durations and sizes as people write them, keeps the old millisecond names, and refuses a bad one by name', async () => {
    for (const [args, env, message] of [
      [['serve', '--port', '0', '--idle-stop', 'soon'], {}, /--idle-stop must be a duration like 30s, 10m, 1h30m or 500ms, not `soon`/],
      [['serve', '--port', '0', '--lease=-5s'], {}, /--lease must be a duration/],
      [['serve', '--port', '0', '--lease', '-5s'], {}, /Option '--lease' argument is ambiguous/],
      [['serve', '--port', '0', '--idle-stop-ms', '1.5'], {}, /--idle-stop-ms must be a duration .*bare digits: milliseconds.*, not `1\.5`/],
      [['serve', '--port', '0', '--idle-stop', '0s'], {}, /--idle-stop must be a duration/],
      [['serve', '--port', '0', '--idle-stop', '10m', '--idle-stop-ms', '600000'], {}, /give --idle-stop or --idle-stop-ms, not both/],
      [['serve', '--port', '0'], { CLASSPOD_IDLE_STOP: '10 minutes' }, /CLASSPOD_IDLE_STOP must be a duration/],
      [['status'], { CLASSPOD_VERSION_COURSE_QUOTA_BYTES: '20GB' }, /CLASSPOD_VERSION_COURSE_QUOTA_BYTES must be a size like 1048576, 512MiB or 20GiB, not `20GB`/],
    ] as Array<[string[], NodeJS.ProcessEnv, RegExp]>) {
      const r = spawnSync(process.execPath, [HUB_CLI, ...args, '--data', dataDir], { encoding: 'utf8', env: { ...process.env, ...env } });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'a message, not a stack');
    }

    // The values reach the running hub: it logs them when it has started.
    const started = async (args: string[], env: NodeJS.ProcessEnv): Promise<{ idleStopMs: number; leaseMs: number }> => {
      const child = spawn(process.execPath, [HUB_CLI, 'serve', '--data', dataDir, '--port', '0', '--isolation', 'none', ...args], {
        env: { ...process.env, CLASSPOD_OFFICIAL_SANDBOXES: 'local', ...env, CLASSPOD_LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise((r) => child.once('exit', r));
      try {
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.stdout.resume();
        const deadline = Date.now() + 60_000;
        while (!/"hub started"/.test(err)) {
          assert.ok(Date.now() < deadline && child.exitCode === null, `the hub did not start: ${err.slice(-2000)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        const line = err.split('\n').find((l) => l.includes('"hub started"'))!;
        const logged = JSON.parse(line) as { idleStopMs: number; leaseMs: number };
        return { idleStopMs: logged.idleStopMs, leaseMs: logged.leaseMs };
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
    };
    assert.deepEqual(await started(['--idle-stop', '2m', '--lease', '1m30s'], {}), { idleStopMs: 120_000, leaseMs: 90_000 });
    assert.deepEqual(await started(['--idle-stop-ms', '1500', '--lease-ms', '45000'], {}), { idleStopMs: 1_500, leaseMs: 45_000 });
    assert.deepEqual(await started(['--lease', '20'], { CLASSPOD_IDLE_STOP: '90s' }), { idleStopMs: 90_000, leaseMs: 20_000 });
    assert.deepEqual(await started([], { CLASSPOD_IDLE_STOP_MS: '700000' }), { idleStopMs: 700_000, leaseMs: 30_000 });
  });

  it("links a person to their account at the identity provider, once, and audit-logs role changes", async () => {
    hubCli(['course', 'create', '--data', dataDir, '--id', 'cs101', '--title', 'Programming']);
    const issuer = 'https://login.uni.example';
    assert.match(
      hubCli(['people', 'add', '--data', dataDir, '--id', 'ada', '--name', 'Ada', '--course', 'cs101', '--role', 'assistant', '--oidc-subject', 'u-ada', '--oidc-issuer', issuer]),
      /ada signs in as u-ada at https:\/\/login\.uni\.example/,
    );
    hubCli(['people', 'add', '--data', dataDir, '--id', 'ada', '--name', 'Ada', '--course', 'cs101', '--role', 'professor']);
    const taken = run(['people', 'add', '--id', 'mallory', '--name', 'M', '--oidc-subject', 'u-ada', '--oidc-issuer', issuer]);
    assert.equal(taken.status, 2);
    assert.match(taken.err, /the account u-ada at https:\/\/login\.uni\.example is already ada/);
    assert.match(run(['people', 'add', '--id', 'x', '--name', 'X', '--oidc-subject', 's']).err, /--oidc-subject needs --oidc-issuer/);
    const store = await openStore({ dataDir });
    try {
      assert.deepEqual(await store.signIns.identitiesOf('ada'), [{ issuer, subject: 'u-ada', personId: 'ada' }]);
      assert.equal(await store.people.get('mallory'), undefined, 'a refused link adds nobody');
      const changes = (await store.audit.list('cs101')).filter((e) => e.action === 'role.change').map((e) => e.detail).sort();
      assert.deepEqual(changes, [JSON.stringify({ from: 'assistant', to: 'professor', source: 'cli' }), JSON.stringify({ from: null, to: 'assistant', source: 'cli' })]);
    } finally {
      await store.close();
    }
  });

  it('parses CSV with quotes, blank lines and a header in any order', () => {
    assert.deepEqual(parseStudentCsv('name,ID\n"Doe, ""JD"" Jane",jane-doe\n\n'), [{ id: 'jane-doe', name: 'Doe, "JD" Jane' }]);
    assert.throws(() => parseStudentCsv('name\nx\n'), /must name the columns id and name/);
    assert.throws(() => parseStudentCsv('id,name\nJane Doe,Jane\n'), /line 2: person id `jane doe` is not allowed/);
  });
});
