// vm-images/: the grader VM's cloud-init user-data passes cloud-init's own
// schema check, its systemd units pass `systemd-analyze verify`, and the
// KubeVirt pool is a complete, self-consistent VirtualMachinePool.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { requireTool, runTool } from './external-tool';
import { validateKubernetesObject } from './kubernetes-schema';
import { repoRoot } from './repo-root';

interface WriteFile {
  path: string;
  content: string;
}

interface UserData {
  packages?: string[];
  mounts?: string[][];
  write_files: WriteFile[];
  runcmd: Array<string[] | string>;
}

const UNITS = ['isolate.slice', 'isolate.service', 'classpod-isolate-check.service', 'classpod-grader.service'];
/** Programs the units start; a verify root gets an executable stub for each. */
const UNIT_PROGRAMS = ['usr/sbin/isolate-cg-keeper', 'usr/bin/isolate-check-environment', 'usr/local/bin/classpod-grader'];

/** Parse a unit file into section → key → values (keys may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1], current);
      continue;
    }
    const eq = line.indexOf('=');
    assert.ok(current && eq > 0, `not a unit line: ${line}`);
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

function words(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(/\s+/)).filter(Boolean);
}

describe('vm-images/', function () {
  const vmDir = path.join(repoRoot(), 'vm-images');
  const userDataFile = path.join(vmDir, 'user-data.yaml');
  const userData = parse(fs.readFileSync(userDataFile, 'utf8')) as UserData;
  const unitText = (name: string) => fs.readFileSync(path.join(vmDir, 'systemd', name), 'utf8');
  let tmp: string;

  before(function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'classpod-vm-images-'));
  });
  after(function () {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('cloud-init user-data', function () {
    it('passes `cloud-init schema`', function () {
      const cloudInit = requireTool(this, 'cloud-init');
      const run = runTool(cloudInit, ['schema', '--config-file', userDataFile]);
      assert.equal(run.status, 0, run.stderr + run.stdout);
      assert.match(run.stdout, /Valid cloud-config/);
    });

    it('is checked for real: a user-data with a wrong type is rejected', function () {
      const cloudInit = requireTool(this, 'cloud-init');
      const broken = path.join(tmp, 'broken.yaml');
      fs.writeFileSync(broken, fs.readFileSync(userDataFile, 'utf8').replace(/^packages:$/m, 'packages: 5\nunused:'));
      const run = runTool(cloudInit, ['schema', '--config-file', broken]);
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /packages: 5 is not of type 'array'/);
    });

    it('installs isolate from its upstream Debian repository and Node 20', function () {
      const sources = userData.write_files.find((f) => f.path === '/etc/apt/sources.list.d/isolate.sources');
      assert.ok(sources, 'no apt source for isolate');
      assert.match(sources.content, /^Suites: bookworm-isolate$/m);
      assert.match(sources.content, /^Signed-By: \/etc\/apt\/keyrings\/isolate\.asc$/m);
      const node = userData.write_files.find((f) => f.path === '/etc/apt/sources.list.d/nodesource.sources');
      assert.match(node?.content ?? '', /node_20\.x/);
      const commands = userData.runcmd.map((c) => (Array.isArray(c) ? c.join(' ') : c));
      const install = commands.findIndex((c) => /apt-get install -y isolate nodejs/.test(c));
      const keys = commands.findIndex((c) => c.includes('/etc/apt/keyrings/isolate.asc'));
      assert.ok(keys >= 0 && install > keys, 'isolate is installed before its signing key is fetched');
      const worker = commands.findIndex((c) => c.includes('npm install --global'));
      assert.ok(worker > install, 'the grader worker is installed before Node');
      assert.ok(commands.some((c) => /systemctl enable .*classpod-isolate-check\.service.*classpod-grader\.service/.test(c)));
    });

    it('mounts the test data read-only', function () {
      const mount = userData.mounts?.find((m) => m[1] === '/srv/classpod/testdata');
      assert.ok(mount, 'no mount for the test data');
      assert.ok(mount[3].split(',').includes('ro'));
      assert.ok(mount[3].split(',').includes('nofail'), 'a VM without the test data disk would not boot');
    });

    it('carries the systemd units of vm-images/systemd/ byte for byte', function () {
      for (const unit of UNITS) {
        const embedded = userData.write_files.find((f) => f.path === `/etc/systemd/system/${unit}`);
        assert.ok(embedded, `${unit} is not installed by the user-data`);
        assert.equal(embedded.content, unitText(unit), `${unit} differs from vm-images/systemd/${unit}`);
      }
    });
  });

  describe('systemd units', function () {
    function verifyRoot(withPrograms: boolean): string {
      const root = fs.mkdtempSync(path.join(tmp, 'root-'));
      fs.mkdirSync(path.join(root, 'etc/systemd/system'), { recursive: true });
      fs.mkdirSync(path.join(root, 'usr/lib/systemd'), { recursive: true });
      // The distribution's own units (targets, slices) that ours depend on.
      fs.cpSync('/lib/systemd/system', path.join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
      for (const unit of UNITS) fs.writeFileSync(path.join(root, 'etc/systemd/system', unit), unitText(unit));
      if (withPrograms) {
        for (const program of UNIT_PROGRAMS) {
          fs.mkdirSync(path.dirname(path.join(root, program)), { recursive: true });
          fs.writeFileSync(path.join(root, program), '#!/bin/sh\n', { mode: 0o755 });
        }
      }
      return root;
    }

    it('pass `systemd-analyze verify` without a warning', function () {
      const analyze = requireTool(this, 'systemd-analyze');
      const run = runTool(analyze, ['verify', `--root=${verifyRoot(true)}`, ...UNITS]);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stderr.trim(), '', run.stderr);
    });

    it('are verified for real: a missing worker program is reported', function () {
      const analyze = requireTool(this, 'systemd-analyze');
      const run = runTool(analyze, ['verify', `--root=${verifyRoot(false)}`, 'classpod-grader.service']);
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /classpod-grader is not executable/);
    });

    it('restart the worker always, after the network is online and isolate is ready', function () {
      const unit = parseUnit(unitText('classpod-grader.service'));
      const section = (name: string) => unit.get(name) ?? new Map<string, string[]>();
      assert.deepEqual(section('Service').get('Restart'), ['always']);
      assert.deepEqual(section('Unit').get('StartLimitIntervalSec'), ['0'], 'systemd would give up restarting');
      assert.ok(words(section('Unit').get('Wants')).includes('network-online.target'));
      const after = words(section('Unit').get('After'));
      for (const dep of ['network-online.target', 'isolate.service', 'classpod-isolate-check.service']) {
        assert.ok(after.includes(dep), `not After=${dep}`);
      }
      assert.ok(words(section('Unit').get('Requires')).includes('classpod-isolate-check.service'));
      const exec = section('Service').get('ExecStart')?.[0] ?? '';
      assert.match(exec, /^\/usr\/local\/bin\/classpod-grader --hub \$\{CLASSPOD_HUB_URL\} --token-file \S+ --sandbox isolate --concurrency \S+$/);
      assert.ok(words(section('Service').get('SupplementaryGroups')).includes('isolate'), 'only the isolate group may run isolate');
      assert.equal(section('Service').get('NoNewPrivileges'), undefined, 'isolate is setuid root and needs new privileges');
      assert.deepEqual(section('Install').get('WantedBy'), ['multi-user.target']);
    });

    it('check the environment for isolate at every boot and keep its cgroup', function () {
      const check = parseUnit(unitText('classpod-isolate-check.service'));
      assert.match(check.get('Service')?.get('ExecStart')?.[0] ?? '', /^\/usr\/bin\/isolate-check-environment --execute/);
      assert.deepEqual(check.get('Service')?.get('Type'), ['oneshot']);
      assert.deepEqual(check.get('Install')?.get('WantedBy'), ['multi-user.target']);
      const keeper = parseUnit(unitText('isolate.service'));
      assert.deepEqual(keeper.get('Service')?.get('ExecStart'), ['/usr/sbin/isolate-cg-keeper']);
      assert.deepEqual(keeper.get('Service')?.get('Delegate'), ['yes']);
      assert.deepEqual(keeper.get('Service')?.get('Slice'), ['isolate.slice']);
    });
  });

  describe('KubeVirt VirtualMachinePool', function () {
    const pool = parse(fs.readFileSync(path.join(vmDir, 'kubevirt', 'grader-pool.yaml'), 'utf8'));

    it('is a VirtualMachinePool whose selector matches its VMs', function () {
      assert.equal(pool.apiVersion, 'pool.kubevirt.io/v1alpha1');
      assert.equal(pool.kind, 'VirtualMachinePool');
      assert.ok(Number.isInteger(pool.spec.replicas) && pool.spec.replicas >= 1);
      const labels = pool.spec.virtualMachineTemplate.metadata.labels as Record<string, string>;
      for (const [key, value] of Object.entries(pool.spec.selector.matchLabels as Record<string, string>)) {
        assert.equal(labels[key], value, `selector ${key}=${value} does not match the VM template`);
      }
      // Metadata and the selector are core types: validate them with the Kubernetes schemas.
      validateKubernetesObject({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { ...pool.metadata, labels: { ...pool.metadata.labels, ...pool.spec.selector.matchLabels } },
      });
    });

    it('starts a VM again whenever it stops (runStrategy Always)', function () {
      assert.equal(pool.spec.virtualMachineTemplate.spec.runStrategy, 'Always');
      assert.equal(pool.spec.virtualMachineTemplate.spec.running, undefined, 'running and runStrategy are exclusive');
    });

    it('has a volume for every disk and a disk for every volume', function () {
      const vmi = pool.spec.virtualMachineTemplate.spec.template.spec;
      const disks = (vmi.domain.devices.disks as Array<{ name: string }>).map((d) => d.name).sort();
      const volumes = (vmi.volumes as Array<{ name: string }>).map((v) => v.name).sort();
      assert.deepEqual(disks, volumes);
      assert.deepEqual(
        vmi.domain.devices.interfaces.map((i: { name: string }) => i.name),
        vmi.networks.map((n: { name: string }) => n.name),
      );
      assert.ok(vmi.volumes.some((v: { containerDisk?: { image: string } }) => v.containerDisk?.image), 'no boot disk');
    });

    it('mounts the test data read-only where the user-data expects it', function () {
      const vmi = pool.spec.virtualMachineTemplate.spec.template.spec;
      const volume = vmi.volumes.find((v: { persistentVolumeClaim?: unknown }) => v.persistentVolumeClaim);
      assert.equal(volume.persistentVolumeClaim.readOnly, true);
      const disk = vmi.domain.devices.disks.find((d: { name: string }) => d.name === volume.name);
      assert.equal(disk.disk.readonly, true);
      const mount = userData.mounts?.find((m) => m[1] === '/srv/classpod/testdata');
      assert.equal(mount?.[0], `/dev/disk/by-id/virtio-${disk.serial}`);
      const token = vmi.domain.devices.disks.find((d: { name: string }) => d.name === 'grader-token');
      assert.ok(userData.mounts?.some((m) => m[0] === `/dev/disk/by-id/virtio-${token.serial}`), 'the token disk is never mounted');
    });

    it('gives the VMs a cloud-init user-data that passes `cloud-init schema`', function () {
      const cloudInit = requireTool(this, 'cloud-init');
      const vmi = pool.spec.virtualMachineTemplate.spec.template.spec;
      const noCloud = vmi.volumes.find((v: { cloudInitNoCloud?: unknown }) => v.cloudInitNoCloud).cloudInitNoCloud;
      const file = path.join(tmp, 'pool-user-data.yaml');
      fs.writeFileSync(file, noCloud.userData);
      const run = runTool(cloudInit, ['schema', '--config-file', file]);
      assert.equal(run.status, 0, run.stderr + run.stdout);
      assert.match(noCloud.userData, /CLASSPOD_HUB_URL=/);
    });
  });

  describe('build.sh', function () {
    it('is valid bash and documents itself', function () {
      const build = path.join(vmDir, 'build.sh');
      assert.equal(runTool('bash', ['-n', build]).status, 0);
      const help = runTool('bash', [build, '--help']);
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, /genericcloud/);
      assert.match(help.stdout, /--seed-only/);
    });

    it('packs the grader worker and writes the cloud-init seed (--seed-only)', function () {
      this.timeout(300_000);
      requireTool(this, 'cloud-init');
      requireTool(this, 'cloud-localds');
      // A stand-in repository: the real vm-images/ and node_modules, and a
      // minimal grader with a classpod-grader command, so the script's own
      // work is tested whatever state the grader package is in.
      const root = fs.mkdtempSync(path.join(tmp, 'repo-'));
      fs.cpSync(vmDir, path.join(root, 'vm-images'), { recursive: true });
      fs.symlinkSync(path.join(repoRoot(), 'node_modules'), path.join(root, 'node_modules'));
      fs.mkdirSync(path.join(root, 'grader', 'bin'), { recursive: true });
      fs.mkdirSync(path.join(root, 'grader', 'src'), { recursive: true });
      fs.writeFileSync(
        path.join(root, 'grader', 'package.json'),
        JSON.stringify({ name: '@classpod/grader', version: '9.8.7', bin: { 'classpod-grader': 'bin/classpod-grader.js' } }),
      );
      fs.writeFileSync(path.join(root, 'grader', 'src', 'index.ts'), 'export const version = 1;\n');
      fs.writeFileSync(path.join(root, 'grader', 'tsconfig.json'), JSON.stringify({ compilerOptions: { outDir: 'dist', composite: true }, include: ['src'] }));
      fs.writeFileSync(
        path.join(root, 'grader', 'bin', 'classpod-grader.js'),
        "const { WebSocket } = require('ws');\nconsole.log('grader worker', typeof WebSocket, process.argv.slice(2).join(' '));\n",
      );
      const out = path.join(root, 'out');
      const run = runTool('bash', [path.join(root, 'vm-images', 'build.sh'), '--seed-only'], { env: { ...process.env, OUT: out } });
      assert.equal(run.status, 0, run.stderr + run.stdout);
      assert.ok(fs.statSync(path.join(out, 'seed.iso')).size > 0);
      const unpacked = path.join(root, 'unpacked');
      fs.mkdirSync(unpacked);
      assert.equal(runTool('tar', ['xzf', path.join(out, 'classpod-grader.tgz'), '-C', unpacked]).status, 0);
      const manifest = JSON.parse(fs.readFileSync(path.join(unpacked, 'package', 'package.json'), 'utf8'));
      assert.equal(manifest.version, '9.8.7');
      assert.deepEqual(manifest.bin, { 'classpod-grader': 'classpod-grader.cjs' });
      // The bundle runs on its own: ws is inside it, nothing is looked up in node_modules.
      const bundle = path.join(unpacked, 'package', 'classpod-grader.cjs');
      assert.match(fs.readFileSync(bundle, 'utf8'), /^#!\/usr\/bin\/env node/);
      const worker = runTool(process.execPath, [bundle, '--hub', 'https://hub.example'], { cwd: '/' });
      assert.equal(worker.stdout.trim(), 'grader worker function --hub https://hub.example');
    });
  });
});
