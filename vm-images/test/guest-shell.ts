// Commands run as root inside the test VM, over a virtio serial port: the
// guest side is a bash reading commands from the port (installed by the test
// seed's harness part, never by the image), the host side qemu's socket,
// which the test keeps connected (the guest reads end-of-file while nobody is).
// Each command travels base64-encoded, runs in its own bash with stderr
// joined to stdout, and ends with a marker carrying its id and exit status.
// The port outlives guest reboots; commands sent while no shell reads are
// delivered when the next one starts.

import { connect, type Socket } from 'node:net';

/** Where the harness's shell listens in the guest, and how it is installed. */
export const SHELL_PORT_NAME = 'org.classpod.test.shell';

/** The cloud-config part the test seed adds: the harness shell as a unit that restarts forever. */
export const HARNESS_PART = `#cloud-config
# Test seeds only: a root shell on the virtio serial port ${SHELL_PORT_NAME},
# so the test can run commands in the guest. The image has no such thing.
merge_how:
  - name: list
    settings: [append]
  - name: dict
    settings: [no_replace, recurse_list]
write_files:
  - path: /etc/systemd/system/classpod-test-shell.service
    permissions: "0644"
    content: |
      [Unit]
      Description=Test harness shell on the virtio serial port ${SHELL_PORT_NAME}
      DefaultDependencies=no
      After=systemd-udevd.service
      StartLimitIntervalSec=0
      [Service]
      # A read gives end-of-file while the host side is not connected: try again.
      ExecStart=/bin/sh -c 'p=/dev/virtio-ports/${SHELL_PORT_NAME}; while :; do [ -e $$p ] && /bin/bash 0<>$$p 1>&0 2>&0; sleep 0.5; done'
      Restart=always
      RestartSec=1
      [Install]
      WantedBy=sysinit.target
runcmd:
  - [systemctl, enable, --now, --no-block, classpod-test-shell.service]
`;

/** What a command printed and how it ended. */
export interface ShellResult {
  code: number;
  output: string;
}

export class GuestShell {
  private buffer = '';
  private nextId = 1;
  private waiter: (() => void) | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer += d.toString('utf8');
      this.waiter?.();
    });
    socket.on('error', () => undefined);
  }

  /** Connect to qemu's end of the port (retrying while qemu creates the socket). */
  static async connect(socketPath: string, timeoutMs = 30_000): Promise<GuestShell> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(socketPath, () => resolve(s));
          s.once('error', reject);
        });
        return new GuestShell(socket);
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`cannot connect to the VM's shell socket: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Run `command` (bash) in the guest; rejects when no answer comes in time. */
  async run(command: string, timeoutMs = 60_000): Promise<ShellResult> {
    const id = `${process.pid}-${this.nextId++}`;
    const encoded = Buffer.from(command, 'utf8').toString('base64');
    this.socket.write(`bash -c "$(echo ${encoded} | base64 -d)" </dev/null 2>&1; echo "<<classpod-shell:${id}:$?>>"\n`);
    const marker = new RegExp(`<<classpod-shell:${id}:(\\d+)>>\\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = marker.exec(this.buffer);
      if (m) {
        const before = this.buffer.slice(0, m.index);
        this.buffer = this.buffer.slice(m.index + m[0].length);
        // Output of earlier commands that timed out ends at their marker.
        const output = before.replace(/^[\s\S]*<<classpod-shell:[^>]*>>\n/, '');
        return { code: Number(m[1]), output };
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no answer from the guest shell within ${Math.round(timeoutMs / 1000)} s to: ${command}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1000));
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  /** Run `command` and return its output; a non-zero exit status is an error. */
  async check(command: string, timeoutMs = 60_000): Promise<string> {
    const r = await this.run(command, timeoutMs);
    if (r.code !== 0) throw new Error(`\`${command}\` exited ${r.code} in the guest:\n${r.output}`);
    return r.output;
  }

  /** Wait until a shell answers (after boot or reboot). */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.run('true', Math.min(10_000, Math.max(1000, deadline - Date.now())));
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
