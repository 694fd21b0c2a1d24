// What a test that builds and boots the grader VM needs on the host: root
// (debootstrap, chroot, file ownership in the image) and the programs of a
// few Debian packages. Missing ones fail the test under CI, which installs
// them (.ci/run), and skip it elsewhere with the reason printed
// (test-support's skipWithoutTool).

import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import { skipWithoutTool } from '@classpod/test-support';

/** Program → the Debian package that has it. */
const VM_TOOLS: ReadonlyArray<readonly [string, string]> = [
  ['qemu-system-x86_64', 'qemu-system-x86'],
  ['qemu-img', 'qemu-utils'],
  ['debootstrap', 'debootstrap'],
  ['mkfs.fat', 'dosfstools'],
  ['sfdisk', 'fdisk'],
  ['mcopy', 'mtools'],
  ['syslinux', 'syslinux'],
  ['cloud-localds', 'cloud-image-utils'],
  ['cloud-init', 'cloud-init'],
];

/** Absolute path of `name` on PATH (and the sbin folders root has), or undefined. */
export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return path.join(dir, name);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Why the VM cannot be built and booted here, or null when it can. */
export function vmUnavailable(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'the grader VM is built and booted on x86-64 Linux only';
  if (process.getuid?.() !== 0) return 'building the grader VM image needs root (debootstrap, chroot)';
  const missing = VM_TOOLS.filter(([program]) => !findProgram(program)).map(([program, pkg]) => `${program} (Debian package ${pkg})`);
  if (!readable('/usr/lib/syslinux/mbr/mbr.bin')) missing.push('the syslinux MBR (Debian package syslinux-common)');
  return missing.length ? `missing ${missing.join(', ')}` : null;
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Skip the calling suite when the VM cannot run here, saying why; under CI
 * that is a failure instead.
 */
export function requireVm(ctx: Mocha.Context): void {
  const problem = vmUnavailable();
  if (problem) skipWithoutTool(ctx, `the grader VM cannot be built and booted here: ${problem}`);
}
