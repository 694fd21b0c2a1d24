// A grader VM under qemu for tests: a copy-on-write overlay over the cached
// image (the image itself is never written), the NoCloud seed as a second
// disk, qemu's user network (the guest reaches the host's loopback at
// 10.0.2.2), the serial console in a log file, and a virtio serial port for
// the test harness's shell. KVM is used when it really boots a guest
// (`chooseAccel` tries it and falls back to software emulation, TCG, when
// the kernel shows no sign of life in time). qemu runs in its own process
// group, which `stop()` kills.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export type Accel = 'kvm' | 'tcg';

export interface QemuVmOptions {
  /** The image (qcow2) the overlay is made over. */
  image: string;
  /** NoCloud seed disk (none: cloud-init finds nothing to do). */
  seed?: string;
  /** Folder for the overlay, the console log and the shell socket. */
  dir: string;
  memoryMb?: number;
  cpus?: number;
  /** Host folders the guest may mount read-only over 9p (`mount -t 9p -o trans=virtio,ro TAG DIR`). */
  shares?: Array<{ path: string; tag: string }>;
}

/** The accelerator to boot with, and why. */
export interface AccelChoice {
  accel: Accel;
  reason: string;
}

/**
 * KVM when a KVM guest of `image` prints the kernel's banner within
 * `probeMs`, else TCG; CLASSPOD_VM_ACCEL=kvm|tcg forces one.
 */
export async function chooseAccel(image: string, dir: string, probeMs = 10_000): Promise<AccelChoice> {
  const forced = process.env.CLASSPOD_VM_ACCEL;
  if (forced === 'kvm' || forced === 'tcg') return { accel: forced, reason: 'set by CLASSPOD_VM_ACCEL' };
  if (forced) throw new Error(`CLASSPOD_VM_ACCEL must be kvm or tcg, not ${forced}`);
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return { accel: 'tcg', reason: '/dev/kvm cannot be opened' };
  }
  mkdirSync(dir, { recursive: true });
  const probe = QemuVm.boot({ image, dir }, 'kvm');
  try {
    const banner = await probe.waitForConsoleQuietly(/Linux version \d/, probeMs);
    if (banner) return { accel: 'kvm', reason: 'a KVM guest booted' };
    return { accel: 'tcg', reason: `/dev/kvm opens, but a KVM guest printed no kernel banner within ${probeMs / 1000} s` };
  } finally {
    await probe.stop();
  }
}

/** A running VM. */
export class QemuVm {
  readonly consoleLog: string;
  readonly shellSocket: string;

  /** What qemu itself printed (its errors). */
  private qemuOutput = '';

  private constructor(
    private readonly options: QemuVmOptions,
    private readonly child: ChildProcess,
    readonly accel: Accel,
  ) {
    this.consoleLog = path.join(options.dir, 'console.log');
    this.shellSocket = path.join(options.dir, 'shell.sock');
    child.stderr!.on('data', (d: Buffer) => (this.qemuOutput = (this.qemuOutput + d.toString()).slice(-4000)));
    child.on('error', (err) => (this.qemuOutput += `\ncannot start qemu: ${err.message}`));
  }

  /** Boot the image; resolves once qemu runs (the guest is still booting). */
  static boot(options: QemuVmOptions, accel: Accel): QemuVm {
    return new QemuVm(options, start(options, accel), accel);
  }

  /** The serial console so far. */
  console(): string {
    try {
      return readFileSync(this.consoleLog, 'utf8');
    } catch {
      return '';
    }
  }

  /** The last `lines` lines of the console, for failure messages. */
  consoleTail(lines = 80): string {
    const all = this.console().replace(/\r/g, '').split('\n');
    return all.slice(-lines).join('\n');
  }

  /** An Error whose message ends with the guest's console. */
  failure(message: string): Error {
    const qemu = this.qemuOutput.trim() ? `\n--- qemu ---\n${this.qemuOutput.trim()}` : '';
    return new Error(`${message}\n--- guest console (${this.accel}, last lines of ${path.basename(this.consoleLog)}) ---\n${this.consoleTail()}${qemu}`);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Wait until the console matches `pattern` (counting from `from` characters); throws with the console. */
  async waitForConsole(pattern: RegExp, timeoutMs: number, what: string, from = 0): Promise<RegExpMatchArray> {
    const m = await this.waitForConsoleQuietly(pattern, timeoutMs, from);
    if (!m) throw this.failure(`${what}: not seen on the console within ${Math.round(timeoutMs / 1000)} s${this.running ? '' : ' (qemu exited)'}`);
    return m;
  }

  /** Like waitForConsole, but resolves to null instead of failing. */
  async waitForConsoleQuietly(pattern: RegExp, timeoutMs: number, from = 0): Promise<RegExpMatchArray | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.console().slice(from).match(pattern);
      if (m) return m;
      if (Date.now() > deadline || !this.running) return null;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Kill qemu (its whole process group) and wait until it is gone. */
  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (!pid || !this.running) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await gone;
  }

  /** The overlay disk (for tests that look at it afterwards). */
  get overlay(): string {
    return path.join(this.options.dir, 'overlay.qcow2');
  }
}

/** A fresh overlay and a qemu process over it. */
function start(o: QemuVmOptions, accel: Accel): ChildProcess {
  const overlay = path.join(o.dir, 'overlay.qcow2');
  const made = spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', o.image, overlay], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`qemu-img create failed: ${made.stderr}`);
  const consoleLog = path.join(o.dir, 'console.log');
  const socket = path.join(o.dir, 'shell.sock');
  for (const f of [consoleLog, socket]) if (existsSync(f)) spawnSync('rm', ['-f', f]);
  const args = [
    '-nodefaults',
    '-machine', `q35,accel=${accel}`,
    '-cpu', accel === 'kvm' ? 'host' : 'max',
    '-smp', String(o.cpus ?? 2),
    '-m', String(o.memoryMb ?? 2048),
    '-display', 'none',
    '-vga', 'none',
    '-monitor', 'none',
    '-serial', `file:${consoleLog}`,
    '-drive', `file=${overlay},if=virtio,format=qcow2`,
    ...(o.seed ? ['-drive', `file=${o.seed},if=virtio,format=raw,readonly=on`] : []),
    '-nic', 'user,model=virtio-net-pci',
    '-chardev', `socket,id=shell,path=${socket},server=on,wait=off`,
    '-device', 'virtio-serial-pci',
    '-device', 'virtserialport,chardev=shell,name=org.classpod.test.shell',
    ...(o.shares ?? []).flatMap((share) => ['-virtfs', `local,path=${share.path},mount_tag=${share.tag},security_model=none,readonly=on`]),
  ];
  // setpriv --pdeathsig: qemu dies with the test process, even when that is killed without warning.
  return spawn('setpriv', ['--pdeathsig', 'KILL', 'qemu-system-x86_64', ...args], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
}
