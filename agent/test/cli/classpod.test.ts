import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadSpec, publicSpec } from '@classpod/grader';
import { TerminalOpenRequest } from '@classpod/protocol';
import { classpodCommandPath } from '../../src';
import { cleanup, collect, startTestAgent, tempDir } from '../helpers';

const run = promisify(execFile);

/** A workspace as the hub lays it out: a course and three assignments. */
function makeWorkspace(): string {
  const root = path.join(tempDir(), 'workspace');
  const write = (rel: string, content: unknown): void => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), typeof content === 'string' ? content : JSON.stringify(content));
  };
  write('.classpod/course.json', { courseId: 'cs101', title: 'Intro to Programming', studentId: 'ada' });
  write('hello/.classpod/assignment.json', { id: 'a1', slug: 'hello', title: 'Hello, world', courseId: 'cs101', dueAt: '2020-01-10T12:00:00Z' });
  write('hello/.classpod/tests/spec.json', { tests: [{ name: 't1' }, { name: 't2' }] });
  write('hello/main.c', 'int main(){}');
  write('sorting/.classpod/assignment.json', { id: 'a2', slug: 'sorting', title: 'Sorting', dueAt: '2999-05-01T00:00:00Z' });
  write('sorting/src/sort.py', 'pass');
  write('project/.classpod/assignment.json', { id: 'a3', slug: 'project', title: 'Final project' });
  write('notes/readme.txt', 'not an assignment');
  return root;
}

async function classpod(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [classpodCommandPath(), ...args], { cwd, env: { PATH: process.env.PATH, ...env } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

describe('classpod command', function () {
  // Starts processes; a loaded machine makes that slow.
  this.timeout(60_000);
  afterEach(cleanup);

  it('lists the assignments by due date, numbered, from anywhere inside the workspace', async () => {
    const root = makeWorkspace();
    const { code, stdout } = await classpod(['list'], path.join(root, 'sorting', 'src'));
    assert.equal(code, 0);
    const lines = stdout.trim().split('\n');
    assert.equal(lines.length, 3, 'the folder without assignment.json is not listed');
    assert.match(lines[0]!, /^1 {2}hello {4}Hello, world {2}\(closed\)$/);
    assert.match(lines[1]!, /^2 {2}sorting {2}Sorting {2}\(due in \d+d \d+h\)$/);
    assert.match(lines[2]!, /^3 {2}project {2}Final project {2}\(no deadline\)$/);
  });

  it('prints the cd line for an assignment by number or slug, which a shell can eval', async () => {
    const root = makeWorkspace();
    assert.equal((await classpod(['go', '2'], root)).stdout, `cd ${path.join(root, 'sorting')}\n`);
    assert.equal((await classpod(['go', 'project'], root)).stdout, `cd ${path.join(root, 'project')}\n`);
    const missing = await classpod(['go', '9'], root);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no assignment 9; `classpod list` shows 1 to 3/);
    const { stdout } = await run('/bin/sh', ['-c', `eval "$(node ${classpodCommandPath()} go 1)" && pwd`], { cwd: root });
    assert.equal(stdout.trim(), path.join(root, 'hello'));
  });

  it('shows the course as a tree of assignments and files, hiding .classpod', async () => {
    const root = makeWorkspace();
    const { stdout } = await classpod(['tree'], root);
    assert.equal(
      stdout,
      [
        'Intro to Programming',
        '├── 1. hello/  Hello, world',
        '│   └── main.c',
        '├── 2. sorting/  Sorting',
        '│   └── src/',
        '│       └── sort.py',
        '└── 3. project/  Final project',
        '',
      ].join('\n'),
    );
  });

  it('says where each assignment stands and which one you are in', async () => {
    const root = makeWorkspace();
    const { stdout } = await classpod(['status'], path.join(root, 'hello'));
    assert.match(stdout, /^course: +Intro to Programming \(cs101\)$/m);
    assert.match(stdout, /^student: +ada$/m);
    assert.match(stdout, /^you are in: 1\. hello$/m);
    assert.match(stdout, /^ {2}1\. hello: closed; 2 public tests$/m);
    assert.match(stdout, /^ {2}3\. project: no deadline; no public tests$/m);
  });

  it('escapes the control characters that come from data in everything it prints, and `go` still leads there', async () => {
    const root = path.join(tempDir(), 'workspace');
    const evil = 'evil\u001b[31m\u0007';
    const write = (rel: string, content: unknown): void => {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), typeof content === 'string' ? content : JSON.stringify(content));
    };
    write('.classpod/course.json', { courseId: 'cs101', title: 'Intro\u001b]0;pwned\u0007', studentId: 'ada\u001b[2J' });
    write(`${evil}/.classpod/assignment.json`, { id: 'a1', slug: 'hello\u009b31m', title: 'Hello\u001b[2J\nfake line \u202eevil', dueAt: '2999-01-01T00:00:00Z' });
    write(`${evil}/notes\u001b[1m.txt`, 'x');
    // eslint-disable-next-line no-control-regex -- a raw control character on the terminal is what this test looks for
    const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    for (const command of ['list', 'tree', 'status', 'go']) {
      const { code, stdout, stderr } = await classpod(command === 'go' ? ['go', '1'] : [command], root);
      assert.equal(code, 0, stderr);
      assert.doesNotMatch(stdout, raw, `${command} printed a raw control character: ${JSON.stringify(stdout)}`);
    }
    const list = (await classpod(['list'], root)).stdout;
    assert.equal(list.split('\n').length, 2, 'a newline in a title does not forge a line');
    assert.ok(list.includes('Hello\\x1b[2J\\nfake line \\u202eevil'), list);
    assert.ok((await classpod(['tree'], root)).stdout.includes('Intro\\x1b]0;pwned\\x07'));
    assert.ok((await classpod(['status'], root)).stdout.includes('ada\\x1b[2J'));
    const { stdout } = await run('/bin/sh', ['-c', `eval "$(node ${classpodCommandPath()} go 1)" && pwd`], { cwd: root });
    assert.equal(stdout.replace(/\n$/, ''), path.join(root, evil), 'the cd line still leads into the folder');

    write(`${evil}/.classpod/assignment.json`, '{"title": "broken\u001b[2J');
    const broken = await classpod(['list'], root);
    assert.equal(broken.code, 1);
    assert.doesNotMatch(broken.stderr, raw, JSON.stringify(broken.stderr));
    assert.match(broken.stderr, /cannot read .*evil\\x1b\[31m\\x07/);
  });

  it('answers --help and -h from its installed command with its usage on standard output and exit status 0', () => {
    for (const flag of ['--help', '-h']) {
      const r = spawnSync(path.join(__dirname, '..', '..', '..', 'bin', 'classpod'), [flag], { cwd: '/', encoding: 'utf8' });
      assert.deepEqual([r.status, r.stderr], [0, ''], flag);
      assert.match(r.stdout, /^usage: classpod <command>/, flag);
      assert.match(r.stdout, /submit \[N\] +hand in assignment N/, flag);
    }
  });

  it('answers a command\'s --help with its usage and exit status 0, inside a workspace or not', async () => {
    for (const [command, usage] of [['submit', /^usage: classpod submit \[N\]\n {2}hand in assignment N/], ['status', /^usage: classpod status\n {2}the course, where each assignment stands/], ['go', /^usage: classpod go N\n/]] as const) {
      for (const flag of ['--help', '-h']) {
        const r = await classpod([command, flag], tempDir());
        assert.deepEqual([r.code, r.stderr], [0, ''], `${command} ${flag}`);
        assert.match(r.stdout, usage, `${command} ${flag}`);
      }
    }
  });

  it('explains itself, and says so outside a workspace', async () => {
    assert.match((await classpod(['help'], '/')).stdout, /go N +print the cd line/);
    const unknown = await classpod(['frobnicate'], '/');
    assert.equal(unknown.code, 2);
    const outside = await classpod(['list'], tempDir());
    assert.equal(outside.code, 1);
    assert.match(outside.stderr, /not inside a Classpod workspace/);
  });

  it('runs the public tests of an assignment and says what failed', async function () {
    this.timeout(120_000);
    const root = makeWorkspace();
    const example = path.resolve(__dirname, '..', '..', '..', '..', 'examples', 'demo-course', 'assignments', 'py-primes');
    const dir = path.join(root, 'primes');
    mkdirSync(path.join(dir, '.classpod', 'tests'), { recursive: true });
    writeFileSync(path.join(dir, '.classpod', 'assignment.json'), JSON.stringify({ id: 'a4', slug: 'primes', title: 'Primes' }));
    writeFileSync(path.join(dir, '.classpod', 'tests', 'spec.json'), JSON.stringify(publicSpec(loadSpec(path.join(example, 'grading', 'spec.yaml')))));
    writeFileSync(path.join(dir, 'primes.py'), readFileSync(path.join(example, 'solution', 'primes.py')));

    const passing = await classpod(['test'], dir);
    assert.equal(passing.code, 0, passing.stderr);
    assert.match(passing.stdout, /^public tests of primes$/m);
    assert.match(passing.stdout, /small.*AC accepted/);
    assert.match(passing.stderr, /\[2\/2\] teens: AC/);

    writeFileSync(path.join(dir, 'primes.py'), 'print(0)\nprint(0)\n');
    const failing = await classpod(['test', 'primes'], root);
    assert.equal(failing.code, 1);
    assert.match(failing.stdout, /small.*WA wrong answer/);

    const none = await classpod(['test', 'project'], root);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /`project` has no public tests/);
  });

  it('is on the PATH of every terminal the agent opens', async () => {
    const root = makeWorkspace();
    const t = await startTestAgent({ root });
    const c = await t.connect();
    const opened = await c.endpoint.request(TerminalOpenRequest.type, { shell: '/bin/bash', args: ['--norc', '--noprofile'], cols: 120, rows: 24 });
    const stream = c.endpoint.openStream(opened.streamId);
    const out = collect(stream);
    stream.write('classpod list\r');
    await out.waitFor((s) => /3 +project +Final project/.test(s));
    stream.write('eval "$(classpod go 2)"; echo "now in $(basename "$PWD")"\r');
    await out.waitFor((s) => s.includes('now in sorting'));
  });
});
