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
  owner?: string;
  permissions?: string;
}

interface UserData {
  mounts?: string[][];
  write_files: WriteFile[];
  runcmd: Array<string[] | string>;
}

/** The units build.sh installs into the image, with their drop-ins. */
const UNIT_FILES = [
  'isolate.slice',
  'isolate.service',
  'classpod-isolate-check.service',
  'classpod-grader@.service',
  'classpod-grader@isolate.service.d/isolate.conf',
  'classpod-grader@local.service.d/local.conf',
];
/** The units a grader VM runs, per sandbox. */
const VERIFIED_UNITS = ['isolate.slice', 'isolate.service', 'classpod-isolate-check.service', 'classpod-grader@isolate.service', 'classpod-grader@local.service'];
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
      current = sections.get(header[1]) ?? new Map();
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

/** The bodies of a MIME multipart message (what `cloud-init devel make-mime` writes), decoded. */
function mimeParts(message: string): string[] {
  const boundary = /boundary="([^"]+)"/.exec(message)?.[1];
  assert.ok(boundary, `not a multipart message: ${message.slice(0, 200)}`);
  return message
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const [headers, ...body] = part.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
      const text = body.join('\n\n');
      return /Content-Transfer-Encoding: base64/i.test(headers!) ? Buffer.from(text, 'base64').toString('utf8') : text;
    });
}

/** The settings of grader.env as user-data writes them. */
function envSettings(userData: UserData): Map<string, string> {
  const env = userData.write_files.find((f) => f.path === '/etc/classpod/grader.env');
  assert.ok(env, 'user-data writes no /etc/classpod/grader.env');
  return new Map(
    env.content
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
  );
}

describe('vm-images/', function () {
  const vmDir = path.join(repoRoot(), 'vm-images');
  const userDataFile = path.join(vmDir, 'user-data.yaml');
  const userDataText = fs.readFileSync(userDataFile, 'utf8');
  const userData = parse(userDataText) as UserData;
  const unitText = (name: string) => fs.readFileSync(path.join(vmDir, 'systemd', name), 'utf8');
  const script = (userData.runcmd.map((c) => (Array.isArray(c) ? c.join(' ') : c)) as string[]).join('\n');
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
      fs.writeFileSync(broken, userDataText.replace(/^runcmd:$/m, 'runcmd: 5\nunused:'));
      const run = runTool(cloudInit, ['schema', '--config-file', broken]);
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /runcmd: 5 is not of type 'array'/);
    });

    it("points the worker at a hub's grader endpoint (wss://HOST/v1/grader)", function () {
      const env = envSettings(userData);
      assert.match(env.get('CLASSPOD_HUB_URL') ?? '', /^wss:\/\/[^/]+\/v1\/grader$/);
      assert.equal(env.get('CLASSPOD_GRADER_SANDBOX'), 'isolate', 'production grades in isolate');
      assert.match(env.get('CLASSPOD_GRADER_CONCURRENCY') ?? '', /^[1-9]\d*$/);
      assert.equal(env.get('CLASSPOD_GRADER_TOKEN_FILE'), '/run/classpod/token/token');
      assert.deepEqual([...env.keys()].sort(), ['CLASSPOD_GRADER_CONCURRENCY', 'CLASSPOD_GRADER_SANDBOX', 'CLASSPOD_GRADER_TOKEN_FILE', 'CLASSPOD_HUB_URL']);
    });

    it('installs isolate from its upstream Debian repository when the sandbox is isolate, and starts the sandbox\'s worker', function () {
      const sources = userData.write_files.find((f) => f.path === '/etc/classpod/isolate.sources');
      assert.ok(sources, 'no apt source for isolate');
      assert.match(sources.content, /^Suites: bookworm-isolate$/m);
      assert.match(sources.content, /^Signed-By: \/etc\/apt\/keyrings\/isolate\.asc$/m);
      const key = script.indexOf('/etc/apt/keyrings/isolate.asc https://www.ucw.cz/isolate/debian/signing-key.asc');
      const source = script.indexOf('cp /etc/classpod/isolate.sources /etc/apt/sources.list.d/');
      const install = script.indexOf('apt-get install -y isolate');
      assert.ok(key >= 0 && source > key && install > source, 'isolate is installed before its key and source are in place');
      assert.ok(script.indexOf('isolate)') < key && script.indexOf('local)') > install, 'isolate is installed only for the isolate sandbox');
      assert.match(script, /systemctl enable --now isolate\.service classpod-isolate-check\.service/);
      assert.match(script, /systemctl enable --now --no-block "classpod-grader@\$CLASSPOD_GRADER_SANDBOX\.service"/);
    });

    it('mounts the token disk read-only, and has no test-data disk', function () {
      assert.deepEqual(userData.mounts?.map((m) => m[1]), ['/run/classpod/token']);
      const [device, , , options] = userData.mounts![0]!;
      assert.equal(device, '/dev/disk/by-id/virtio-CLASSPODTOKEN');
      assert.ok(options!.split(',').includes('ro'));
      assert.ok(options!.split(',').includes('nofail'), 'a VM without the token disk would not boot');
      assert.doesNotMatch(userDataText, /TESTDATA|testdata/);
    });

    it('leaves the packages and units to the image', function () {
      assert.equal((userData as { packages?: unknown }).packages, undefined, 'the test image has no network to install packages from');
      assert.ok(!userData.write_files.some((f) => f.path.startsWith('/etc/systemd/')), 'units come from vm-images/systemd through build.sh');
    });
  });

  describe('systemd units', function () {
    function verifyRoot(withPrograms: boolean): string {
      const root = fs.mkdtempSync(path.join(tmp, 'root-'));
      fs.mkdirSync(path.join(root, 'etc/systemd/system'), { recursive: true });
      fs.mkdirSync(path.join(root, 'usr/lib/systemd'), { recursive: true });
      // The distribution's own units (targets, slices) that ours depend on.
      fs.cpSync('/lib/systemd/system', path.join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
      fs.cpSync(path.join(vmDir, 'systemd'), path.join(root, 'etc/systemd/system'), { recursive: true });
      if (withPrograms) {
        for (const program of UNIT_PROGRAMS) {
          fs.mkdirSync(path.dirname(path.join(root, program)), { recursive: true });
          fs.writeFileSync(path.join(root, program), '#!/bin/sh\n', { mode: 0o755 });
        }
      }
      return root;
    }

    it('are the files build.sh installs', function () {
      const listed = fs
        .readdirSync(path.join(vmDir, 'systemd'), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(path.join(vmDir, 'systemd'), path.join(e.parentPath, e.name)))
        .sort();
      assert.deepEqual(listed, [...UNIT_FILES].sort());
      assert.match(fs.readFileSync(path.join(vmDir, 'build.sh'), 'utf8'), /cp -r "\$HERE\/systemd\/\." "\$rootfs\/etc\/systemd\/system\/"/);
    });

    it('pass `systemd-analyze verify` without a warning, for both sandboxes', function () {
      const analyze = requireTool(this, 'systemd-analyze');
      const run = runTool(analyze, ['verify', `--root=${verifyRoot(true)}`, ...VERIFIED_UNITS]);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stderr.trim(), '', run.stderr);
    });

    it('are verified for real: a missing worker program is reported', function () {
      const analyze = requireTool(this, 'systemd-analyze');
      const run = runTool(analyze, ['verify', `--root=${verifyRoot(false)}`, 'classpod-grader@local.service']);
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /classpod-grader is not executable/);
    });

    it('restart the worker always, after the network is online, with the sandbox its instance names', function () {
      const unit = parseUnit(unitText('classpod-grader@.service'));
      const section = (name: string) => unit.get(name) ?? new Map<string, string[]>();
      assert.deepEqual(section('Service').get('Restart'), ['always']);
      assert.deepEqual(section('Unit').get('StartLimitIntervalSec'), ['0'], 'systemd would give up restarting');
      assert.ok(words(section('Unit').get('Wants')).includes('network-online.target'));
      assert.ok(words(section('Unit').get('After')).includes('network-online.target'));
      const exec = section('Service').get('ExecStart')?.[0] ?? '';
      assert.equal(
        exec,
        '/usr/local/bin/classpod-grader --hub ${CLASSPOD_HUB_URL} --token-file ${CLASSPOD_GRADER_TOKEN_FILE} --sandbox %i --concurrency ${CLASSPOD_GRADER_CONCURRENCY}',
      );
      assert.deepEqual(section('Service').get('EnvironmentFile'), ['/etc/classpod/grader.env']);
      assert.deepEqual(section('Service').get('User'), ['classpod-grader'], 'unprivileged unless a sandbox needs root');
      assert.equal(section('Service').get('NoNewPrivileges'), undefined, 'isolate is setuid root and needs new privileges');
      assert.deepEqual(section('Install').get('WantedBy'), ['multi-user.target']);
    });

    it('run the isolate worker unprivileged after isolate is ready, and the local one as root with a delegated cgroup', function () {
      const isolate = parseUnit(unitText('classpod-grader@isolate.service.d/isolate.conf'));
      for (const dep of ['isolate.service', 'classpod-isolate-check.service']) {
        assert.ok(words(isolate.get('Unit')?.get('Requires')).includes(dep), `not Requires=${dep}`);
        assert.ok(words(isolate.get('Unit')?.get('After')).includes(dep), `not After=${dep}`);
      }
      assert.ok(words(isolate.get('Service')?.get('SupplementaryGroups')).includes('isolate'), 'only the isolate group may run isolate');
      assert.equal(isolate.get('Service')?.get('User'), undefined);
      const local = parseUnit(unitText('classpod-grader@local.service.d/local.conf'));
      assert.deepEqual(local.get('Service')?.get('User'), ['root']);
      assert.deepEqual(local.get('Service')?.get('Delegate'), ['yes']);
    });

    it('check the environment for isolate at every boot and keep its cgroup', function () {
      const check = parseUnit(unitText('classpod-isolate-check.service'));
      assert.match(check.get('Service')?.get('ExecStart')?.[0] ?? '', /^\/usr\/bin\/isolate-check-environment --execute/);
      assert.deepEqual(check.get('Service')?.get('Type'), ['oneshot']);
      assert.deepEqual(check.get('Unit')?.get('Before'), ['classpod-grader@isolate.service']);
      assert.deepEqual(check.get('Install')?.get('WantedBy'), ['multi-user.target']);
      const keeper = parseUnit(unitText('isolate.service'));
      assert.deepEqual(keeper.get('Service')?.get('ExecStart'), ['/usr/sbin/isolate-cg-keeper']);
      assert.deepEqual(keeper.get('Service')?.get('Delegate'), ['yes']);
      assert.deepEqual(keeper.get('Service')?.get('Slice'), ['isolate.slice']);
    });
  });

  describe('KubeVirt VirtualMachinePool', function () {
    const pool = parse(fs.readFileSync(path.join(vmDir, 'kubevirt', 'grader-pool.yaml'), 'utf8'));
    const vmi = pool.spec.virtualMachineTemplate.spec.template.spec;

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

    it('has a volume for every disk and a disk for every volume, and no test-data disk', function () {
      const disks = (vmi.domain.devices.disks as Array<{ name: string }>).map((d) => d.name).sort();
      const volumes = (vmi.volumes as Array<{ name: string }>).map((v) => v.name).sort();
      assert.deepEqual(disks, volumes);
      assert.deepEqual(disks, ['cloudinitdisk', 'grader-token', 'rootdisk']);
      assert.deepEqual(
        vmi.domain.devices.interfaces.map((i: { name: string }) => i.name),
        vmi.networks.map((n: { name: string }) => n.name),
      );
      assert.ok(vmi.volumes.some((v: { containerDisk?: { image: string } }) => v.containerDisk?.image), 'no boot disk');
    });

    it('passes the token on a read-only disk with the serial the user-data mounts', function () {
      const token = vmi.domain.devices.disks.find((d: { name: string }) => d.name === 'grader-token');
      assert.equal(token.disk.readonly, true);
      assert.ok(userData.mounts?.some((m) => m[0] === `/dev/disk/by-id/virtio-${token.serial}`), 'the token disk is never mounted');
      const secret = vmi.volumes.find((v: { name: string }) => v.name === 'grader-token');
      assert.equal(secret.secret.secretName, 'classpod-grader-token');
    });

    it('takes its user data from the Secret its header says seed.sh --print makes', function () {
      const noCloud = vmi.volumes.find((v: { cloudInitNoCloud?: unknown }) => v.cloudInitNoCloud).cloudInitNoCloud;
      assert.deepEqual(noCloud, { userDataSecretRef: { name: 'classpod-grader-user-data' } }, 'the pool embeds its own copy of the user data');
      const header = fs.readFileSync(path.join(vmDir, 'kubevirt', 'grader-pool.yaml'), 'utf8');
      assert.match(header, /Secret classpod-grader-user-data \(key `userdata`\), the output of\n#\s+vm-images\/seed\.sh --hub wss:\/\/HUB\/v1\/grader --print/);
    });
  });

  describe('build.sh', function () {
    it('is valid bash and documents itself', function () {
      for (const name of ['build.sh', 'debian-rootfs.sh', 'seed.sh']) assert.equal(runTool('bash', ['-n', path.join(vmDir, name)]).status, 0, name);
      const help = runTool('bash', [path.join(vmDir, 'build.sh'), '--help']);
      assert.equal(help.status, 0, help.stderr);
      for (const option of ['--cache', '--out', '--compress', '--container-disk', 'DEBIAN_MIRROR', 'NODE_BINARY']) assert.ok(help.stdout.includes(option), option);
      assert.doesNotMatch(help.stdout, /genericcloud|cloud\.debian\.org/, 'the image comes from Debian packages, not a downloaded image');
    });

    it('refuses an unknown option', function () {
      const run = runTool('bash', [path.join(vmDir, 'build.sh'), '--seed-only']);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /unknown option --seed-only/);
    });
  });

  describe('seed.sh', function () {
    const seed = (...args: string[]) => runTool('bash', [path.join(vmDir, 'seed.sh'), ...args]);
    let token: string;
    before(function () {
      token = path.join(tmp, 'token');
      fs.writeFileSync(token, 'cp_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG\n');
    });

    it("fills in the deployment's settings and the token", function () {
      requireTool(this, 'cloud-init');
      const run = seed('--hub', 'wss://hub.example.edu/v1/grader', '--token-file', token, '--sandbox', 'local', '--concurrency', '3', '--print');
      assert.equal(run.status, 0, run.stderr);
      const parts = mimeParts(run.stdout);
      assert.equal(parts.length, 2, run.stdout);
      const body = (p: string) => parse(p) as UserData;
      const settings = envSettings(body(parts[0]!));
      assert.equal(settings.get('CLASSPOD_HUB_URL'), 'wss://hub.example.edu/v1/grader');
      assert.equal(settings.get('CLASSPOD_GRADER_SANDBOX'), 'local');
      assert.equal(settings.get('CLASSPOD_GRADER_CONCURRENCY'), '3');
      assert.equal(settings.get('CLASSPOD_GRADER_TOKEN_FILE'), '/etc/classpod/grader-token');
      // Everything else is user-data.yaml unchanged.
      const changed = (text: string) => text.split('\n').filter((l) => !/^\s+CLASSPOD_[A-Z_]+=/.test(l));
      assert.deepEqual(changed(parts[0]!), changed(userDataText));
      const tokenFile = body(parts[1]!).write_files[0]!;
      assert.deepEqual(tokenFile, {
        path: '/etc/classpod/grader-token',
        owner: 'root:classpod-grader',
        permissions: '0640',
        content: 'cp_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG',
      });
    });

    it('prints plain cloud-config for KubeVirt when the token comes from the Secret disk', function () {
      const cloudInit = requireTool(this, 'cloud-init');
      const run = seed('--hub', 'wss://hub.example.edu/v1/grader', '--concurrency', '1', '--print');
      assert.equal(run.status, 0, run.stderr);
      assert.ok(run.stdout.startsWith('#cloud-config\n'), 'not a plain cloud-config');
      const settings = envSettings(parse(run.stdout) as UserData);
      assert.equal(settings.get('CLASSPOD_HUB_URL'), 'wss://hub.example.edu/v1/grader');
      assert.equal(settings.get('CLASSPOD_GRADER_CONCURRENCY'), '1');
      assert.equal(settings.get('CLASSPOD_GRADER_SANDBOX'), 'isolate');
      assert.equal(settings.get('CLASSPOD_GRADER_TOKEN_FILE'), '/run/classpod/token/token');
      const file = path.join(tmp, 'kubevirt-user-data.yaml');
      fs.writeFileSync(file, run.stdout);
      assert.equal(runTool(cloudInit, ['schema', '--config-file', file]).status, 0);
    });

    it("refuses a hub URL that is not the hub's grader endpoint", function () {
      for (const hub of ['https://classpod.example.org', 'wss://classpod.example.org', 'wss://classpod.example.org/v1/connect', 'wss://hub/v1/grader bad']) {
        const run = seed('--hub', hub, '--token-file', token, '--print');
        assert.equal(run.status, 2, hub);
        assert.match(run.stderr, /--hub must be the hub's grader endpoint, ws\(s\):\/\/HOST\[:PORT\]\/v1\/grader/);
      }
    });

    it('refuses a token file without a token, a sandbox it does not know and a bad concurrency', function () {
      const empty = path.join(tmp, 'empty-token');
      fs.writeFileSync(empty, '\n');
      const hub = ['--hub', 'wss://hub.example.edu/v1/grader'];
      assert.match(seed(...hub, '--token-file', empty, '--print').stderr, /does not hold a hub token/);
      assert.match(seed(...hub, '--token-file', path.join(tmp, 'missing'), '--print').stderr, /cannot read the token file/);
      assert.match(seed(...hub, '--token-file', token, '--sandbox', 'none', '--print').stderr, /--sandbox must be isolate or local/);
      assert.match(seed(...hub, '--token-file', token, '--concurrency', '0', '--print').stderr, /--concurrency must be a whole number/);
    });

    it('writes a NoCloud seed disk labelled cidata', function () {
      requireTool(this, 'cloud-init');
      requireTool(this, 'cloud-localds');
      const out = path.join(tmp, 'seed.img');
      const run = seed('--hub', 'ws://10.0.2.2:8080/v1/grader', '--token-file', token, '--sandbox', 'local', '--out', out);
      assert.equal(run.status, 0, run.stderr);
      const blkid = runTool('blkid', ['-o', 'value', '-s', 'LABEL', out]);
      assert.equal(blkid.stdout.trim(), 'cidata');
    });
  });
});
