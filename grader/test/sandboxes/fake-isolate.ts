// A stand-in for the isolate command line, for machines without isolate
// (CI): it speaks isolate's arguments (--init prints the box root, --run
// writes --meta, --cleanup), replays the recorded meta files of one fixture
// folder for the fixture programs (with what they printed, from its
// expected.json), and runs anything else directly (no isolation — it exists
// only to exercise the plugin's command-line handling end to end).
// Environment: FAKE_ISOLATE_ROOT, FAKE_ISOLATE_LOG, FAKE_ISOLATE_FIXTURES,
// FAKE_ISOLATE_NO_CG.

import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const args = process.argv.slice(2);
const env = process.env;
appendFileSync(env.FAKE_ISOLATE_LOG!, JSON.stringify(args) + '\n');
const opt = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
if (args.includes('--version')) {
  process.stdout.write('The process isolator 2.6 (fake)\n');
  process.exit(0);
}
const id = opt('box-id') ?? '0';
const root = path.join(env.FAKE_ISOLATE_ROOT!, id);
const box = path.join(root, 'box');

if (args.includes('--init')) {
  if (args.includes('--cg') && env.FAKE_ISOLATE_NO_CG === '1') {
    process.stderr.write('Control group root /sys/fs/cgroup/isolate.slice does not exist\n');
    process.exit(2);
  }
  if (existsSync(box)) {
    process.stderr.write(`Box ${id} is currently in use by another process\n`);
    process.exit(2);
  }
  mkdirSync(box, { recursive: true });
  process.stdout.write(`${root}\n`);
  process.exit(0);
}
if (args.includes('--cleanup')) {
  rmSync(root, { recursive: true, force: true });
  process.exit(0);
}
if (!args.includes('--run')) process.exit(2);
if (!existsSync(box)) {
  process.stderr.write(`Box ${id} not initialized\n`);
  process.exit(2);
}

const command = args.slice(args.indexOf('--') + 1);
const meta = opt('meta')!;
const inBox = (p: string | undefined): string | undefined => (p ? path.join(box, p) : undefined);
const fixture = path.join(env.FAKE_ISOLATE_FIXTURES!, `${path.basename(command[0]!)}.meta`);
if (existsSync(fixture)) {
  copyFileSync(fixture, meta);
  const name = path.basename(command[0]!);
  const table = JSON.parse(readFileSync(path.join(env.FAKE_ISOLATE_FIXTURES!, 'expected.json'), 'utf8')) as { runs: Record<string, { stdout?: string }> };
  writeFileSync(inBox(opt('stdout')) ?? '/dev/null', table.runs[name]?.stdout ?? '');
  const stderr = readFileSync(fixture.replace(/\.meta$/, '.stderr'), 'utf8');
  process.stderr.write(stderr.replace(/isolate-exit:\d+\n?/, ''));
  process.exit(Number(/isolate-exit:(\d+)/.exec(stderr)![1]));
}
const started = Date.now();
const stdinFile = inBox(opt('stdin'));
const r = spawnSync(command[0]!, command.slice(1), {
  cwd: box,
  input: stdinFile ? readFileSync(stdinFile) : '',
  maxBuffer: 256 * 1024 * 1024,
  timeout: Number(opt('wall-time') ?? 10) * 1000,
});
const wall = (Date.now() - started) / 1000;
writeFileSync(inBox(opt('stdout')) ?? '/dev/null', r.stdout ?? '');
writeFileSync(inBox(opt('stderr')) ?? '/dev/null', r.stderr ?? '');
const lines = [`time:${wall.toFixed(3)}`, `time-wall:${wall.toFixed(3)}`, 'max-rss:2000'];
if (r.error) lines.unshift('status:XX', `message:${r.error.message}`);
else if (r.signal) lines.push('exitsig:9', 'status:SG', `message:Caught fatal signal`);
else {
  lines.push(`exitcode:${r.status}`);
  if (r.status !== 0) lines.push('status:RE', `message:Exited with error status ${r.status}`);
}
writeFileSync(meta, lines.join('\n') + '\n');
process.exit(r.error ? 2 : r.status === 0 ? 0 : 1);
