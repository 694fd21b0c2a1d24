// The grader VM as production runs it, end to end: the image that
// vm-images/build.sh makes from Debian's packages (cached while its inputs
// are unchanged), booted under qemu with a NoCloud seed made by seed.sh from
// the repository's user-data.yaml, dialing a real hub on the host's loopback
// (10.0.2.2 from the guest) and grading real submissions of the demo course
// with the `local` sandbox on the guest's cgroup v2; the grader's hostile
// suite passes inside it. Then the worker is killed with SIGKILL (systemd
// restarts it, its job is leased again and graded once) and the VM is
// rebooted (the worker comes back by itself).
// A failure carries the guest's console; every qemu and hub process the test
// started is stopped, whatever happens.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  GetResultRequest,
  GetSubmissionRequest,
  SubmitRequest,
  type GradingResult,
  type RpcEndpoint,
  type SubmissionSummary,
} from '@classpod/protocol';
import { gradeSubmission, loadSpec } from '@classpod/grader';
import { graderImage, type GraderImage } from './grader-image';
import { GuestShell, HARNESS_PART } from './guest-shell';
import { HostHub } from './host-hub';
import { chooseAccel, QemuVm } from './qemu-vm';
import { DEMO_COURSE_DIR, REPO_ROOT, VM_IMAGES_DIR } from './repo-paths';
import { writeTestCourse } from './test-course';
import { requireVm } from './vm-tools';

const ASSIGNMENTS = ['c-sum', 'cpp-wordfreq', 'py-primes'] as const;
type Assignment = (typeof ASSIGNMENTS)[number];
/** ada hands in the reference solutions, grace the starters; carol and dave hand in later. */
const STUDENTS = ['ada', 'grace', 'carol', 'dave'];
const UNIT = 'classpod-grader@local.service';
/** A lease ends this long after the worker's last heartbeat: how soon a killed worker's job is leased again. */
const LEASE_MS = 15_000;
/** Run-time limits are multiplied by this under software emulation (test-course.ts says why). */
const TCG_TIME_SCALE = Number(process.env.CLASSPOD_VM_TIME_SCALE || 10);
/** Assignments whose starters are fast and wrong: their verdicts do not depend on the machine's speed. */
const STARTERS_COMPARED: Assignment[] = ['c-sum', 'cpp-wordfreq'];

/** The files of one folder of an assignment of the demo course (starter or solution). */
function folderFiles(assignment: Assignment, folder: 'starter' | 'solution'): Record<string, Buffer> {
  const dir = path.join(DEMO_COURSE_DIR, 'assignments', assignment, folder);
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f))]));
}

const seconds = (since: number): number => Math.round((Date.now() - since) / 1000);

describe('the grader VM, built by vm-images/build.sh and booted under qemu', function () {
  this.timeout(45 * 60_000);
  // From the suite's start (not from when mocha loaded this file, before the other suites ran).
  let started = Date.now();
  const report: string[] = [];
  const artefacts = path.join(REPO_ROOT, 'test-results', 'grader-vm');
  let dir: string | undefined;
  let course: string;
  let timeScale = 1;
  let image: GraderImage;
  let hub: HostHub | undefined;
  let vm: QemuVm | undefined;
  let shell: GuestShell | undefined;
  let prof: RpcEndpoint;
  const students: Record<string, RpcEndpoint> = {};

  /** `fn`, or its failure with the guest's console attached. */
  async function withConsole<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!vm || (err as Error).message.includes('--- guest console')) throw err;
      throw vm.failure((err as Error).message);
    }
  }

  /** Poll `probe` until it returns a value (not undefined), or fail naming `what`. */
  async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  async function submit(student: string, assignment: Assignment, files: Record<string, string | Buffer>): Promise<SubmissionSummary> {
    hub!.writeWork(student, assignment, files);
    return (await students[student]!.request(SubmitRequest.type, { courseId: 'cs101', assignmentId: assignment })).submission;
  }

  async function graded(submissionId: string, timeoutMs: number): Promise<GradingResult> {
    await until(`submission ${submissionId} graded`, timeoutMs, async () => {
      const s = (await prof.request(GetSubmissionRequest.type, { submissionId })).submission;
      assert.notEqual(s.status, 'failed', `submission ${submissionId} failed to grade`);
      return s.status === 'graded' ? s : undefined;
    });
    return (await prof.request(GetResultRequest.type, { submissionId })).result;
  }

  const systemctl = async (what: string): Promise<string> => (await shell!.run(`systemctl ${what}`)).output.trim();

  before(async function () {
    started = Date.now();
    requireVm(this);
    mkdirSync(artefacts, { recursive: true });
    dir = mkdtempSync(path.join(tmpdir(), 'classpod-grader-vm-'));
    image = await graderImage(path.join(artefacts, 'build.log'));
    report.push(`image: ${image.built ? 'built' : 'reused from the cache'} in ${image.seconds} s (${path.basename(image.path)})`);
    const { accel, reason } = await chooseAccel(image.path, path.join(dir, 'probe'));
    timeScale = accel === 'tcg' ? TCG_TIME_SCALE : 1;
    report.push(`accelerator: ${accel} (${reason}); run-time limits ×${timeScale}`);

    // The hub on the host's loopback, with the demo course and its people.
    course = writeTestCourse(path.join(dir, 'course'), timeScale);
    // This deployment's grading policy takes official grades from `local`, the sandbox the test VM has.
    const serve = ['--lease-ms', String(LEASE_MS), '--official-sandboxes', 'local'];
    hub = await HostHub.start(path.join(dir, 'hub'), serve, path.join(artefacts, 'hub.log'));
    hub.addCourse(course, STUDENTS);
    prof = await hub.connect('prof');
    for (const s of STUDENTS) students[s] = await hub.connect(s);

    // The seed: the repository's user-data with this deployment's settings, and the test's shell.
    const tokenFile = path.join(dir, 'grader.token');
    writeFileSync(tokenFile, hub.issueGraderToken(), { mode: 0o600 });
    const harness = path.join(dir, 'harness.yaml');
    writeFileSync(harness, HARNESS_PART);
    const seed = path.join(dir, 'seed.img');
    const made = spawnSync(
      'bash',
      [path.join(VM_IMAGES_DIR, 'seed.sh'), '--hub', `ws://10.0.2.2:${hub.port}/v1/grader`, '--token-file', tokenFile,
        '--sandbox', 'local', '--concurrency', '1', '--part', harness, '--out', seed],
      { encoding: 'utf8' },
    );
    assert.equal(made.status, 0, `seed.sh failed: ${made.stderr}`);

    const vmDir = path.join(dir, 'vm');
    mkdirSync(vmDir);
    const booting = Date.now();
    // The repository, read-only, for the grader's own hostile suite.
    const shares = [{ path: REPO_ROOT, tag: 'repo' }];
    vm = QemuVm.boot({ image: image.path, seed, dir: vmDir, memoryMb: 2048, cpus: 2, shares }, accel);
    shell = await GuestShell.connect(vm.shellSocket);
    await withConsole(() => shell!.waitReady(15 * 60_000));
    report.push(`first boot to the harness shell: ${seconds(booting)} s`);
  });

  afterEach(function () {
    const t = this.currentTest;
    if (t?.state === 'failed' && t.err && vm && !t.err.message.includes('--- guest console')) t.err.message = vm.failure(t.err.message).message;
  });

  after(async function () {
    shell?.close();
    await vm?.stop();
    if (vm) copyFileSync(vm.consoleLog, path.join(artefacts, 'console.log'));
    await hub?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (report.length) process.stdout.write(`      grader VM: ${[...report, `total ${seconds(started)} s`].join('; ')}\n`);
  });

  it('finishes cloud-init without errors, and runs the worker of the image on cgroup v2', async function () {
    await withConsole(async () => {
      const status = await shell!.run('cloud-init status --wait --long', 10 * 60_000);
      assert.match(status.output, /^status: done$/m, status.output);
      const result = JSON.parse(await shell!.check('cat /run/cloud-init/result.json')) as { v1: { errors: string[] } };
      assert.deepEqual(result.v1.errors, [], 'cloud-init reported errors');
      assert.equal(await systemctl(`is-enabled ${UNIT}`), 'enabled');
      await until(`${UNIT} active`, 5 * 60_000, async () => ((await systemctl(`is-active ${UNIT}`)) === 'active' ? true : undefined));
      const state = await shell!.run('systemctl is-system-running --wait', 5 * 60_000);
      assert.equal(state.output.trim(), 'running', `units failed:\n${await systemctl('--failed --no-legend')}`);
      assert.equal((await shell!.check('stat -fc %T /sys/fs/cgroup')).trim(), 'cgroup2fs');
      const env = await shell!.check('cat /etc/classpod/grader.env');
      assert.match(env, new RegExp(`^CLASSPOD_HUB_URL=ws://10\\.0\\.2\\.2:${hub!.port}/v1/grader$`, 'm'));
      assert.match(await shell!.check('stat -c "%U:%G %a" /etc/classpod/grader-token'), /^root:classpod-grader 640$/m);
      assert.match(await shell!.check('cat /etc/classpod/image'), /^CLASSPOD_IMAGE_KEY=[0-9a-f]{16}$/m);
    });
  });

  it('dials the hub on the host and grades real submissions of the demo course with per-test verdicts', async function () {
    await withConsole(async () => {
      await until('the worker connected to the hub', 5 * 60_000, () => (hub!.lines('grading worker connected').length > 0 ? true : undefined));
      const grading = Date.now();
      const solutions = new Map<Assignment, SubmissionSummary>();
      const starters = new Map<Assignment, SubmissionSummary>();
      for (const a of ASSIGNMENTS) solutions.set(a, await submit('ada', a, folderFiles(a, 'solution')));
      for (const a of STARTERS_COMPARED) starters.set(a, await submit('grace', a, folderFiles(a, 'starter')));
      for (const a of ASSIGNMENTS) {
        const r = await graded(solutions.get(a)!.id, 20 * 60_000);
        assert.ok(r.tests.length > 0, `${a}: no per-test results`);
        assert.deepEqual(
          r.tests.filter((t) => t.verdict !== 'AC').map((t) => `${t.name}: ${t.verdict} (${t.timeMs} ms) ${t.message ?? ''}`),
          [],
          `${a}: the reference solution is not accepted on every test`,
        );
        assert.equal(r.score, r.maxScore, `${a}: the reference solution scored ${r.score} of ${r.maxScore}`);
        assert.equal(r.provenance?.sandbox, 'local');
        assert.match(r.provenance?.worker ?? '', /^classpod-grader-\d+$/, 'graded by the VM (host name classpod-grader)');
      }
      // A wrong program gets, test by test, the verdicts this host's grader gives it.
      for (const a of STARTERS_COMPARED) {
        const vmVerdicts = (await graded(starters.get(a)!.id, 20 * 60_000)).tests.map((t) => `${t.name}: ${t.verdict}`);
        const spec = loadSpec(path.join(course, 'assignments', a, 'grading', 'spec.yaml'));
        const here = await gradeSubmission(spec, path.join(DEMO_COURSE_DIR, 'assignments', a, 'starter'), { publicOnly: false });
        assert.ok(vmVerdicts.some((v) => !v.endsWith(': AC')), `${a}: the starter passes every test`);
        assert.deepEqual(vmVerdicts, here.tests.map((t) => `${t.name}: ${t.verdict}`), `${a}: the starter's verdicts differ from this host's (${here.sandbox})`);
      }
      report.push(`demo course (${solutions.size + starters.size} submissions) graded in ${seconds(grading)} s`);
    });
  });

  it("passes the grader's hostile suite under local on the guest's cgroup v2", async function () {
    await withConsole(async () => {
      const started = Date.now();
      await shell!.check('mkdir -p /mnt/repo && mount -t 9p -o trans=virtio,version=9p2000.L,ro repo /mnt/repo');
      // In a unit of its own with a delegated cgroup, as the worker runs; box uids apart from the worker's.
      const env = { CI: 'true', CLASSPOD_TEST_TIME_SCALE: String(timeScale), CLASSPOD_HOSTILE_RECORD: '/tmp/hostile.jsonl', CLASSPOD_TEST_UID_BASE: '62000' };
      const run = await shell!.run(
        [
          'rm -f /tmp/hostile.jsonl; systemd-run --wait --pipe --collect --quiet -p Delegate=yes',
          ...Object.entries(env).map(([k, v]) => `-E ${k}=${v}`),
          '/usr/local/bin/node /mnt/repo/node_modules/mocha/bin/mocha.js --no-config --timeout 600000 --reporter dot',
          '/mnt/repo/grader/dist/test/hostile/hostile.test.js',
        ].join(' '),
        30 * 60_000,
      );
      assert.equal(run.code, 0, `the hostile suite failed in the VM:\n${run.output}`);
      const verdicts = (await shell!.check('cat /tmp/hostile.jsonl'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { name: string; expected: string; verdict: string });
      assert.ok(verdicts.length >= 10, `only ${verdicts.length} hostile programs ran`);
      assert.deepEqual(verdicts.filter((v) => v.verdict !== v.expected), []);
      await shell!.check('umount /mnt/repo');
      report.push(`hostile suite (${verdicts.length} programs) passed in the VM in ${seconds(started)} s`);
    });
  });

  it('limits and measures memory for local without root (a workspace uid) in a group delegated on the guest', async function () {
    await withConsole(async () => {
      const started = Date.now();
      await shell!.check('mkdir -p /mnt/repo && mount -t 9p -o trans=virtio,version=9p2000.L,ro repo /mnt/repo');
      // The case without a delegated group runs on every host; this one needs cgroup v2.
      // CI=true: if it cannot run here it fails instead of being skipped.
      const run = await shell!.run(
        [
          `systemd-run --wait --pipe --collect --quiet -E CI=true -E CLASSPOD_TEST_TIME_SCALE=${timeScale}`,
          "/usr/local/bin/node /mnt/repo/node_modules/mocha/bin/mocha.js --no-config --reporter spec --grep 'in a cgroup v2 group delegated to the uid'",
          '/mnt/repo/grader/dist/test/sandboxes/local-rootless.test.js',
        ].join(' '),
        20 * 60_000,
      );
      await shell!.check('umount /mnt/repo');
      assert.equal(run.code, 0, `the rootless test failed in the VM:\n${run.output}`);
      assert.match(run.output, /1 passing/, run.output);
      assert.doesNotMatch(run.output, /pending/, run.output);
      report.push(`local without root in a delegated group passed in the VM in ${seconds(started)} s`);
    });
  });

  it('restarts a worker killed with SIGKILL, and its job is leased again and graded exactly once', async function () {
    await withConsole(async () => {
      // A correct solution that sleeps in every test, so the kill lands in the middle of grading.
      const slow = folderFiles('py-primes', 'solution');
      slow['primes.py'] = Buffer.from(`import time\ntime.sleep(1.5)\n${slow['primes.py']!.toString()}`);
      const submission = await submit('carol', 'py-primes', slow);
      const first = await until('the slow submission leased', 5 * 60_000, () => hub!.lines('job leased').find((l) => l.submissionId === submission.id));
      const pid = (await shell!.check(`systemctl show -P MainPID ${UNIT}`)).trim();
      assert.match(pid, /^[1-9]\d*$/);
      await shell!.check(`kill -9 ${pid}`);
      const killedAt = Date.now();
      const status = (await prof.request(GetSubmissionRequest.type, { submissionId: submission.id })).submission.status;
      assert.equal(status, 'grading', 'the worker was killed after it had finished the job');

      const restarted = await until('systemd started the worker again', 3 * 60_000, async () => {
        const now = (await systemctl(`show -P MainPID ${UNIT}`)).trim();
        return now !== pid && now !== '0' && (await systemctl(`is-active ${UNIT}`)) === 'active' ? now : undefined;
      });
      assert.ok(Number((await systemctl(`show -P NRestarts ${UNIT}`)).trim()) >= 1);
      const again = await until('the job leased again', 5 * 60_000, () =>
        hub!.lines('job leased').find((l) => l.jobId === first.jobId && l !== first),
      );
      assert.notEqual(again.workerId, first.workerId, 'leased again by the restarted worker');
      assert.equal(again.workerId, `classpod-grader-${restarted}`);
      const r = await graded(submission.id, 15 * 60_000);
      assert.equal(r.score, r.maxScore, `scored ${r.score} of ${r.maxScore}: ${JSON.stringify(r.tests)}`);
      assert.equal(hub!.lines('result recorded').filter((l) => l.jobId === first.jobId).length, 1, 'the result was recorded once');
      assert.equal(hub!.lines('job leased').filter((l) => l.jobId === first.jobId).length, 2, 'leased twice: before and after the kill');
      report.push(`killed worker's job graded ${seconds(killedAt)} s after the kill`);
    });
  });

  it('comes back by itself after a reboot of the VM', async function () {
    await withConsole(async () => {
      const bootId = (await shell!.check('cat /proc/sys/kernel/random/boot_id')).trim();
      const connections = hub!.lines('grading worker connected').length;
      const consoleAt = vm!.console().length;
      const rebooting = Date.now();
      await shell!.run('systemctl reboot', 30_000).catch(() => undefined); // the shell may die before it answers
      await vm!.waitForConsole(/reboot: Restarting system/, 5 * 60_000, 'the guest restarting', consoleAt);
      await shell!.waitReady(15 * 60_000);
      assert.notEqual((await shell!.check('cat /proc/sys/kernel/random/boot_id')).trim(), bootId, 'a new boot');
      assert.match((await shell!.run('cloud-init status --wait', 10 * 60_000)).output, /^status: done$/m);
      await until(`${UNIT} active after the reboot`, 5 * 60_000, async () => ((await systemctl(`is-active ${UNIT}`)) === 'active' ? true : undefined));
      await until('the worker connected to the hub again', 5 * 60_000, () => (hub!.lines('grading worker connected').length > connections ? true : undefined));
      const result = JSON.parse(await shell!.check('cat /run/cloud-init/result.json')) as { v1: { errors: string[] } };
      assert.deepEqual(result.v1.errors, [], 'cloud-init reported errors on the second boot');
      report.push(`reboot to a connected worker: ${seconds(rebooting)} s`);

      const submission = await submit('dave', 'c-sum', folderFiles('c-sum', 'solution'));
      const r = await graded(submission.id, 15 * 60_000);
      assert.equal(r.score, r.maxScore);
    });
  });
});
