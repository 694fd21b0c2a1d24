// The Kubernetes provider against a real HTTP server that speaks the
// Kubernetes API (kube-api-server.ts), through @kubernetes/client-node.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as k8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { KubernetesWorkspaceProvider, KubernetesProviderError, type KubernetesProviderOptions } from '../../../src/workspaces/kubernetes';
import type { WorkspaceKey, WorkspaceStatus } from '../../../src/workspaces/workspace-provider';
import { validateKubernetesObject } from '../../deploy/kubernetes-schema';
import { KubeApiServer, hubRbacRules, type PolicyRule } from './kube-api-server';

/** Every permission any test in this file used, to compare with deploy/'s ClusterRole. */
const usedAcrossTests = new Set<string>();

const alice: WorkspaceKey = { courseId: 'cs101', studentId: 'alice' };
const bob: WorkspaceKey = { courseId: 'cs101', studentId: 'bob' };

async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 1000; i += 1) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never happened: ${what}`);
}

interface Harness {
  server: KubeApiServer;
  agent: http.Server;
  agentHits: () => number;
  provider: (extra?: Partial<KubernetesProviderOptions>) => Promise<KubernetesWorkspaceProvider>;
  logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
}

describe('KubernetesWorkspaceProvider', function () {
  let h: Harness;
  const cleanups: Array<() => Promise<void>> = [];

  async function harness(options: { rules?: PolicyRule[] } = {}): Promise<Harness> {
    const server = await KubeApiServer.start(options);
    cleanups.push(async () => {
      for (const p of server.usedPermissions()) usedAcrossTests.add(p);
      await server.close();
    });
    server.addNode('node-a', { cpu: '4', memory: '16Gi' });
    server.addNode('node-b', { cpu: '8', memory: '32Gi' });
    let hits = 0;
    const agent = http.createServer((req, res) => {
      hits += 1;
      res.writeHead(req.url === '/readyz' ? 200 : 404).end();
    });
    await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => agent.close(() => resolve())));
    const mod = await import('@kubernetes/client-node');
    const logs: Harness['logs'] = [];
    const provider = async (extra: Partial<KubernetesProviderOptions> = {}) => {
      const kc: k8s.KubeConfig = new mod.KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'test', server: server.url, skipTLSVerify: true }],
        users: [{ name: 'hub', token: server.token }],
        contexts: [{ name: 'test', cluster: 'test', user: 'hub' }],
        currentContext: 'test',
      });
      const p = new KubernetesWorkspaceProvider({
        kubeConfig: kc,
        hubNamespace: 'classpod',
        agentImage: 'classpod/agent:test',
        defaults: { toolchainImage: 'classpod/toolchain:test' },
        agentAddress: () => `127.0.0.1:${(agent.address() as AddressInfo).port}`,
        idleCheckIntervalMs: 3_600_000,
        readyTimeoutMs: 10_000,
        logger: {
          info: (message, fields) => logs.push({ level: 'info', message, fields }),
          warn: (message, fields) => logs.push({ level: 'warn', message, fields }),
          error: (message, fields) => logs.push({ level: 'error', message, fields }),
        },
        ...extra,
      });
      cleanups.unshift(() => p.dispose());
      return p;
    };
    return { server, agent, agentHits: () => hits, provider, logs };
  }

  beforeEach(async function () {
    h = await harness();
  });

  afterEach(async function () {
    while (cleanups.length > 0) await cleanups.shift()!();
  });

  describe('courses', function () {
    it('creates a labelled namespace per course with default-deny, hub-to-agent and DNS policies', async function () {
      const provider = await h.provider();
      await provider.start();
      await provider.ensureCourse('cs101');
      const ns = h.server.get('namespaces', undefined, 'classpod-cs101');
      assert.ok(ns, 'no namespace for the course');
      assert.equal(ns.metadata.labels['classpod.io/course'], 'cs101');
      assert.equal(ns.metadata.labels['app.kubernetes.io/part-of'], 'classpod');
      assert.equal(ns.metadata.labels['app.kubernetes.io/managed-by'], 'classpod-hub');
      assert.equal(ns.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');

      const policies = new Map(h.server.list('networkpolicies', 'classpod-cs101').map((p) => [p.metadata.name, p.spec]));
      assert.deepEqual([...policies.keys()].sort(), ['allow-dns', 'allow-hub-to-agent', 'allow-package-mirror', 'default-deny']);
      assert.deepEqual(policies.get('default-deny'), { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      const hub = policies.get('allow-hub-to-agent');
      assert.deepEqual(hub.ingress, [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'classpod' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'classpod-hub' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: 7070 }],
        },
      ]);
      assert.deepEqual(policies.get('allow-dns').egress[0].ports, [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ]);
      assert.deepEqual(policies.get('allow-package-mirror').egress, [], 'a course without a mirror may reach nothing but DNS');
    });

    it('opens the package mirror when a course allows it, also on an existing namespace (409 then patch)', async function () {
      const first = await h.provider();
      await first.ensureCourse('cs101');
      const second = await h.provider({ courseSettings: () => ({ packageMirror: { cidr: '10.20.0.15/32', ports: [443, 3142] } }) });
      await second.ensureCourse('cs101');
      const conflicts = h.server.requests.filter((r) => r.verb === 'create' && r.status === 409).map((r) => r.resource);
      assert.ok(conflicts.includes('namespaces') && conflicts.includes('networkpolicies'), 'the second hub did not meet existing objects');
      const mirror = h.server.get('networkpolicies', 'classpod-cs101', 'allow-package-mirror');
      assert.deepEqual(mirror?.spec.egress, [
        {
          to: [{ ipBlock: { cidr: '10.20.0.15/32' } }],
          ports: [
            { protocol: 'TCP', port: 443 },
            { protocol: 'TCP', port: 3142 },
          ],
        },
      ]);
    });
  });

  describe('workspaces', function () {
    it('starts a workspace on connect and resolves only once the pod is ready and the agent answers', async function () {
      const provider = await h.provider();
      const seen: WorkspaceStatus[] = [];
      provider.onStatus((s) => seen.push(s));
      await provider.start();
      const endpoint = await provider.ensureRunning(alice);

      const pod = h.server.get('pods', 'classpod-cs101', 'ws-alice');
      assert.ok(pod, 'no pod');
      assert.equal(pod.status.phase, 'Running');
      assert.ok(pod.status.conditions.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'));
      assert.ok(h.agentHits() >= 1, 'the agent was never asked /readyz');
      assert.match(endpoint.url, /^ws:\/\/127\.0\.0\.1:\d+\/v1\/connect$/);
      const secret = h.server.get('secrets', 'classpod-cs101', 'ws-alice-agent-token');
      assert.equal(Buffer.from(secret?.data.token, 'base64').toString('utf8'), endpoint.token);
      assert.ok(endpoint.token.length >= 32);

      const states = seen.filter((s) => s.workspaceId === 'cs101--alice').map((s) => s.state);
      assert.equal(states[0], 'starting');
      assert.equal(states.at(-1), 'running');
      const status = await provider.status(alice);
      assert.equal(status.state, 'running');
      assert.ok(status.node === 'node-a' || status.node === 'node-b');
      assert.ok(status.startedAt);
    });

    it('runs the agent in the course toolchain image with a restricted security context, probes and limits', async function () {
      const provider = await h.provider({ courseSettings: () => ({ toolchainImage: 'registry.example/cs101:2026', memoryLimit: '2Gi' }) });
      await provider.ensureRunning(alice);
      const pod = h.server.get('pods', 'classpod-cs101', 'ws-alice')!;
      const spec = pod.spec;
      assert.equal(spec.automountServiceAccountToken, false);
      assert.deepEqual(spec.securityContext.seccompProfile, { type: 'RuntimeDefault' });
      assert.equal(spec.securityContext.runAsNonRoot, true);
      const [workspace] = spec.containers;
      assert.equal(workspace.image, 'registry.example/cs101:2026');
      assert.deepEqual(workspace.args, ['--root', '/workspace', '--listen', '0.0.0.0:7070', '--token-file', '/var/run/classpod/agent-token/token']);
      assert.equal(workspace.command[0], '/opt/classpod/bin/classpod-agent');
      assert.equal(spec.initContainers[0].image, 'classpod/agent:test');
      for (const container of [workspace, spec.initContainers[0]]) {
        assert.equal(container.securityContext.allowPrivilegeEscalation, false);
        assert.equal(container.securityContext.readOnlyRootFilesystem, true);
        assert.deepEqual(container.securityContext.capabilities, { drop: ['ALL'] });
        assert.equal(container.securityContext.runAsNonRoot, true);
      }
      assert.deepEqual(workspace.readinessProbe.httpGet, { path: '/readyz', port: 'agent' });
      assert.equal(workspace.resources.limits.memory, '2Gi');
      assert.ok(workspace.resources.requests.cpu && workspace.resources.limits.cpu);
      const mounts = Object.fromEntries(workspace.volumeMounts.map((m: { name: string; mountPath: string }) => [m.mountPath, m.name]));
      assert.deepEqual(mounts, { '/workspace': 'workspace', '/tmp': 'tmp', '/opt/classpod': 'agent', '/var/run/classpod/agent-token': 'agent-token' });
      const volumes = Object.fromEntries(spec.volumes.map((v: Record<string, unknown> & { name: string }) => [v.name, v]));
      assert.deepEqual(volumes.workspace.persistentVolumeClaim, { claimName: 'ws-alice-files' });
      assert.ok(volumes.tmp.emptyDir);
      assert.equal(volumes['agent-token'].secret.secretName, 'ws-alice-agent-token');
      const service = h.server.get('services', 'classpod-cs101', 'ws-alice')!;
      assert.deepEqual(service.spec.selector, { 'app.kubernetes.io/instance': 'ws-alice', 'app.kubernetes.io/component': 'workspace' });
      assert.equal(pod.metadata.labels['classpod.io/course'], 'cs101');
      assert.equal(pod.metadata.labels['classpod.io/student'], 'alice');
    });

    it('creates only objects that pass the Kubernetes schemas', async function () {
      const provider = await h.provider({ courseSettings: () => ({ packageMirror: { cidr: '10.20.0.0/24', ports: [443] }, storageClassName: 'fast' }) });
      await provider.ensureRunning(alice);
      await provider.ensureRunning({ courseId: 'Algorithms & Data (2026)', studentId: 'Émile.Zola@uni.example' });
      const kinds = new Set(h.server.created.map((o) => o.kind));
      assert.deepEqual([...kinds].sort(), ['Namespace', 'NetworkPolicy', 'PersistentVolumeClaim', 'Pod', 'Secret', 'Service']);
      for (const obj of h.server.created) validateKubernetesObject(obj);
      assert.deepEqual(h.server.schemaRejections, []);
    });

    it('stops a workspace by deleting its pod and keeps the files; the next start reuses volume and token', async function () {
      const provider = await h.provider();
      const first = await provider.ensureRunning(alice);
      const claimUid = h.server.get('persistentvolumeclaims', 'classpod-cs101', 'ws-alice-files')!.metadata.uid;
      const seen: string[] = [];
      provider.onStatus((s) => seen.push(s.state));
      await provider.stop(alice);
      await eventually('the pod is gone', () => !h.server.get('pods', 'classpod-cs101', 'ws-alice'));
      await eventually('the provider sees it stopped', async () => (await provider.status(alice)).state === 'stopped');
      assert.deepEqual(seen, ['stopping', 'stopped']);
      assert.equal((await provider.status(alice)).reason, undefined, 'a stop the hub asked for is no failure');
      assert.equal(h.server.get('persistentvolumeclaims', 'classpod-cs101', 'ws-alice-files')?.metadata.uid, claimUid);

      const second = await provider.ensureRunning(alice);
      assert.equal(second.token, first.token);
      assert.equal(h.server.get('persistentvolumeclaims', 'classpod-cs101', 'ws-alice-files')?.metadata.uid, claimUid);
      const statuses = await provider.list('cs101');
      assert.deepEqual(statuses.map((s) => [s.workspaceId, s.state]), [['cs101--alice', 'running']]);
    });

    it('stops only workspaces idle for longer than the idle timeout', async function () {
      let clock = 1_000_000;
      const provider = await h.provider({ idleTimeoutMs: 60_000, now: () => clock });
      await provider.ensureRunning(alice);
      await provider.ensureRunning(bob);
      clock += 50_000;
      provider.touch(bob);
      clock += 20_000; // alice idle 70 s, bob 20 s
      const stopped = await provider.stopIdle();
      assert.deepEqual(stopped, [alice]);
      await eventually('alice stopped', async () => (await provider.status(alice)).state === 'stopped');
      assert.equal((await provider.status(bob)).state, 'running');
      assert.ok(h.server.get('persistentvolumeclaims', 'classpod-cs101', 'ws-alice-files'), 'the idle stop lost the files');
      const listed = await provider.list('cs101');
      assert.deepEqual(listed.map((s) => [s.studentId, s.state]), [['alice', 'stopped'], ['bob', 'running']]);
    });

    it('pauses an idle workspace by deleting its pod only; the next start makes a pod on the same volume', async function () {
      let clock = 1_000_000;
      const provider = await h.provider({ now: () => clock, idleCheckIntervalMs: 20 });
      provider.activity.useCourseIdleTime(async (courseId) => (courseId === 'cs101' ? 2 * 60_000 : undefined));
      const first = await provider.ensureRunning(alice);
      const firstPod = h.server.get('pods', 'classpod-cs101', 'ws-alice')!;
      const claim = h.server.get('persistentvolumeclaims', 'classpod-cs101', 'ws-alice-files')!;
      const seen: WorkspaceStatus[] = [];
      provider.onStatus((s) => seen.push(s));

      clock += 2 * 60_000 + 1; // nobody worked for the course's idle time: the provider's own timer stops it
      await eventually('the idle pod is deleted', () => !h.server.get('pods', 'classpod-cs101', 'ws-alice'));
      await eventually('the provider sees it stopped', async () => (await provider.status(alice)).state === 'stopped');
      assert.deepEqual(seen.map((s) => [s.state, s.reason]), [
        ['stopping', 'paused after 2 min idle'],
        ['stopping', 'stopping: the pod is being deleted'],
        ['stopped', undefined],
      ]);
      assert.equal(h.server.get('persistentvolumeclaims', 'classpod-cs101', 'ws-alice-files')?.metadata.uid, claim.metadata.uid, 'the pause lost the volume');
      assert.ok(h.server.get('secrets', 'classpod-cs101', 'ws-alice-agent-token'), 'the pause lost the agent token');
      assert.ok(h.server.get('services', 'classpod-cs101', 'ws-alice'), 'the pause lost the service');
      const deletes = h.server.requests.filter((r) => r.verb === 'delete' || r.verb === 'deletecollection').map((r) => `${r.resource}/${r.name}`);
      assert.deepEqual(deletes, ['pods/ws-alice'], 'a pause deletes the pod and nothing else');

      const second = await provider.ensureRunning(alice);
      const secondPod = h.server.get('pods', 'classpod-cs101', 'ws-alice')!;
      assert.notEqual(secondPod.metadata.uid, firstPod.metadata.uid, 'no new pod was made');
      const claimOf = (pod: typeof firstPod) =>
        (pod.spec.volumes as Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>).find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim?.claimName;
      assert.equal(claimOf(firstPod), 'ws-alice-files');
      assert.equal(claimOf(secondPod), 'ws-alice-files', 'the new pod does not mount the student\'s volume');
      assert.equal(h.server.get('persistentvolumeclaims', 'classpod-cs101', 'ws-alice-files')?.metadata.uid, claim.metadata.uid, 'the volume was made again');
      assert.equal(second.token, first.token);
      assert.equal((await provider.status(alice)).state, 'running');
    });

    it('lets two hubs start the same workspace at once: one meets 409s and joins the other', async function () {
      const [one, two] = await Promise.all([h.provider(), h.provider()]);
      await Promise.all([one.start(), two.start()]);
      // The second hub's watch lags: it has not seen the first hub's pod when it creates its own.
      h.server.holdWatches();
      const first = one.ensureRunning(alice);
      await eventually('the first pod is created', () => h.server.get('pods', 'classpod-cs101', 'ws-alice'));
      const second = two.ensureRunning(alice);
      await eventually('the second create meets the first pod', () =>
        h.server.requests.some((r) => r.resource === 'pods' && r.verb === 'create' && r.status === 409),
      );
      h.server.releaseWatches();
      const [a, b] = await Promise.all([first, second]);
      assert.equal(a.token, b.token);
      const podCreates = h.server.requests.filter((r) => r.resource === 'pods' && r.verb === 'create').map((r) => r.status).sort();
      assert.deepEqual(podCreates, [201, 409]);
      assert.equal(h.server.list('pods', 'classpod-cs101').length, 1);
    });

    it('treats a workspace or course the cluster does not know (404) as stopped or empty', async function () {
      const provider = await h.provider();
      await provider.ensureCourse('cs101');
      await provider.stop(alice);
      assert.ok(h.server.requests.some((r) => r.resource === 'pods' && r.verb === 'delete' && r.status === 404));
      assert.deepEqual(await provider.status(alice), { courseId: 'cs101', studentId: 'alice', workspaceId: 'cs101--alice', state: 'stopped' });
      assert.deepEqual(await provider.list('no-such-course'), []);
    });

    it('shares one start between concurrent connects', async function () {
      const provider = await h.provider();
      const [a, b] = await Promise.all([provider.ensureRunning(alice), provider.ensureRunning(alice)]);
      assert.deepEqual(a, b);
      assert.equal(h.server.requests.filter((r) => r.resource === 'pods' && r.verb === 'create').length, 1);
    });
  });

  describe('states and their reasons', function () {
    it('reports a pod no node can take as starting, with the scheduler’s reason', async function () {
      h.server.podBehaviour = () => 'unschedulable';
      const provider = await h.provider({ readyTimeoutMs: 60_000 });
      const controller = new AbortController();
      const starting = provider.ensureRunning(alice, { signal: controller.signal });
      const status = await eventually('the reason arrives', async () => {
        const s = await provider.status(alice);
        return s.reason?.includes('Insufficient cpu') ? s : undefined;
      });
      assert.equal(status.state, 'starting');
      assert.match(status.reason ?? '', /^pending: no node can run it: 0\/2 nodes are available/);
      controller.abort();
      await assert.rejects(starting, (err: KubernetesProviderError) => err.code === 'ABORTED');
    });

    it('reports an exceeded quota (403) as failed with the quota in the reason', async function () {
      h.server.setPodQuota('classpod-cs101', 1);
      const provider = await h.provider();
      await provider.ensureRunning(alice);
      await assert.rejects(provider.ensureRunning(bob), (err: KubernetesProviderError) => {
        assert.equal(err.code, 'QUOTA_EXCEEDED');
        assert.match(err.message, /exceeded quota: course-quota, requested: pods=1, used: pods=1, limited: pods=1/);
        return true;
      });
      const status = await provider.status(bob);
      assert.equal(status.state, 'failed');
      assert.match(status.reason ?? '', /^quota exceeded: /);
    });

    it('reports an image that cannot be pulled, naming the image', async function () {
      h.server.podBehaviour = () => 'image-pull';
      const provider = await h.provider({ courseSettings: () => ({ toolchainImage: 'registry.example/missing:1' }) });
      await assert.rejects(provider.ensureRunning(alice), (err: KubernetesProviderError) => err.code === 'IMAGE_PULL');
      const status = await provider.status(alice);
      assert.equal(status.state, 'failed');
      assert.match(status.reason ?? '', /^image pull failed for registry\.example\/missing:1 \(ImagePullBackOff\)/);
    });

    it('reports a crashing agent with its exit code and restarts', async function () {
      h.server.podBehaviour = () => 'crash';
      const provider = await h.provider();
      await assert.rejects(provider.ensureRunning(alice), (err: KubernetesProviderError) => err.code === 'CRASHED');
      const status = await provider.status(alice);
      assert.equal(status.state, 'failed');
      assert.equal(status.reason, 'crashed: container workspace exited with code 127 (Error); restarted 3 times');
    });

    it('replaces a failed pod when the student connects again after the course image is fixed', async function () {
      h.server.podBehaviour = () => 'image-pull';
      const provider = await h.provider();
      await assert.rejects(provider.ensureRunning(alice), (err: KubernetesProviderError) => err.code === 'IMAGE_PULL');
      const failedUid = h.server.get('pods', 'classpod-cs101', 'ws-alice')!.metadata.uid;
      h.server.podBehaviour = () => 'run';
      await provider.ensureRunning(alice);
      assert.notEqual(h.server.get('pods', 'classpod-cs101', 'ws-alice')!.metadata.uid, failedUid);
      const status = await provider.status(alice);
      assert.equal(status.state, 'running');
      assert.equal(status.reason, undefined);
    });

    it('refuses invalid course settings with the API server’s 422 message', async function () {
      const provider = await h.provider();
      await provider.ensureCourse('cs101');
      // Bypass the provider's own check (in its course namespaces part) to see the API server's answer.
      (provider as unknown as { courses: { settingsFor: () => Promise<unknown> } }).courses.settingsFor = async () => ({
        toolchainImage: 'x',
        cpuRequest: '100m',
        cpuLimit: '1',
        memoryRequest: '256Mi',
        memoryLimit: 'lots',
        storage: '1Gi',
        tmpSize: '1Gi',
      });
      await assert.rejects(provider.ensureRunning(alice), (err: KubernetesProviderError) => {
        assert.equal(err.code, 'INVALID');
        assert.match(err.message, /resources\.limits\[memory\]: Invalid value: "lots"/);
        return true;
      });
      assert.equal((await provider.status(alice)).state, 'failed');
    });

    it('checks course settings itself before asking the cluster', async function () {
      const provider = await h.provider({ courseSettings: () => ({ cpuLimit: 'two cores' }) });
      await assert.rejects(provider.ensureRunning(alice), (err: KubernetesProviderError) => {
        assert.equal(err.code, 'INVALID');
        assert.match(err.message, /cpuLimit "two cores" is not a Kubernetes quantity/);
        return true;
      });
    });
  });

  describe('watching the cluster', function () {
    it('sees a pod deleted under it and reports the workspace stopped with the reason', async function () {
      const provider = await h.provider();
      await provider.ensureRunning(alice);
      h.server.deletePod('classpod-cs101', 'ws-alice');
      const status = await eventually('the deletion is seen', async () => {
        const s = await provider.status(alice);
        return s.state === 'stopped' ? s : undefined;
      });
      assert.match(status.reason ?? '', /deleted outside Classpod/);
      const again = await provider.ensureRunning(alice);
      assert.ok(again.token);
      assert.equal((await provider.status(alice)).state, 'running');
    });

    it('creates a course namespace again when an administrator deleted it', async function () {
      const provider = await h.provider();
      await provider.ensureRunning(alice);
      h.server.deleteNamespace('classpod-cs101');
      await eventually('the deletion is seen', async () => (await provider.status(alice)).state === 'stopped');
      const endpoint = await provider.ensureRunning(alice);
      assert.ok(h.server.get('namespaces', undefined, 'classpod-cs101'), 'the namespace was not created again');
      assert.equal(h.server.list('networkpolicies', 'classpod-cs101').length, 4);
      const secret = h.server.get('secrets', 'classpod-cs101', 'ws-alice-agent-token');
      assert.equal(Buffer.from(secret?.data.token, 'base64').toString('utf8'), endpoint.token, 'the hub kept a token the new Secret does not hold');
      assert.equal((await provider.status(alice)).state, 'running');
    });

    it('creates the pod again when it is deleted while starting', async function () {
      h.server.stepMs = 40;
      const provider = await h.provider();
      const starting = provider.ensureRunning(alice);
      const firstUid = await eventually('the first pod exists', () => h.server.get('pods', 'classpod-cs101', 'ws-alice')?.metadata.uid);
      h.server.deletePod('classpod-cs101', 'ws-alice');
      await starting;
      const pod = h.server.get('pods', 'classpod-cs101', 'ws-alice')!;
      assert.notEqual(pod.metadata.uid, firstUid);
      assert.equal((await provider.status(alice)).state, 'running');
    });

    it('resumes watches that the server ends, without relisting', async function () {
      const provider = await h.provider();
      await provider.start();
      const listsBefore = h.server.requests.filter((r) => r.resource === 'pods' && r.verb === 'list').length;
      assert.ok(h.server.endWatches() >= 2, 'no watches were open');
      await provider.ensureRunning(alice);
      assert.equal((await provider.status(alice)).state, 'running');
      const podRequests = h.server.requests.filter((r) => r.resource === 'pods');
      assert.equal(podRequests.filter((r) => r.verb === 'list').length, listsBefore, 'the informer relisted instead of resuming');
      assert.ok(podRequests.filter((r) => r.verb === 'watch').length >= 2, 'the watch was not resumed');
    });

    it('restarts a watch that fails with a server error, and keeps seeing changes', async function () {
      const provider = await h.provider();
      await provider.start();
      h.server.failNextWatches(2);
      h.server.endWatches();
      await provider.ensureRunning(alice);
      assert.equal((await provider.status(alice)).state, 'running');
      const restarts = h.logs.filter((l) => l.message === 'kubernetes watch failed; restarting');
      assert.ok(restarts.length >= 1, 'no watch failure was logged');
      assert.equal(restarts[0].fields?.status, 500);
      assert.equal(restarts[0].level, 'warn');
    });

    it('relists after 410 Gone and still sees every change', async function () {
      const provider = await h.provider();
      await provider.ensureRunning(alice);
      h.server.expireHistory();
      h.server.endWatches();
      await provider.stop(alice);
      await eventually('the stop is seen after the relist', async () => (await provider.status(alice)).state === 'stopped');
      const lists = h.server.requests.filter((r) => r.resource === 'pods' && r.verb === 'list');
      assert.ok(lists.length >= 2, 'no relist after 410');
    });

    it('feeds nodes() from a node informer: readiness, capacity and workspaces per node', async function () {
      const provider = await h.provider();
      await provider.ensureRunning(alice);
      await provider.ensureRunning(bob);
      const nodes = await provider.nodes();
      assert.deepEqual(
        nodes.map((n) => [n.name, n.ready, n.cpuCapacityMillicores, n.memoryCapacityBytes]),
        [
          ['node-a', true, 4000, 16 * 2 ** 30],
          ['node-b', true, 8000, 32 * 2 ** 30],
        ],
      );
      assert.equal(nodes.reduce((sum, n) => sum + n.workspaces, 0), 2);
      h.server.setNodeReady('node-b', false);
      h.server.addNode('node-c', { cpu: '500m', memory: '1G' });
      const after = await eventually('the node changes are seen', async () => {
        const list = await provider.nodes();
        return list.length === 3 && list[1].ready === false ? list : undefined;
      });
      assert.deepEqual(after[2], {
        name: 'node-c',
        ready: true,
        cpuCapacityMillicores: 500,
        memoryCapacityBytes: 1e9,
        cpuAllocatableMillicores: 500,
        memoryAllocatableBytes: 1e9,
        workspaces: 0,
      });
    });

    it('re-reads the cluster after a hub restart: running workspaces, their tokens, stopped ones', async function () {
      const before = await h.provider();
      const endpoint = await before.ensureRunning(alice);
      await before.ensureRunning(bob);
      await before.stop(bob);
      await eventually('bob stopped', async () => !h.server.get('pods', 'classpod-cs101', 'ws-bob'));
      await before.dispose();

      const after = await h.provider();
      await after.start();
      const alive = await after.status(alice);
      assert.equal(alive.state, 'running');
      assert.ok(alive.node);
      const listed = await after.list('cs101');
      assert.deepEqual(listed.map((s) => [s.studentId, s.state]), [['alice', 'running'], ['bob', 'stopped']]);
      const podCreates = h.server.requests.filter((r) => r.resource === 'pods' && r.verb === 'create').length;
      const again = await after.ensureRunning(alice);
      assert.equal(again.token, endpoint.token, 'the restarted hub lost the agent token');
      assert.equal(h.server.requests.filter((r) => r.resource === 'pods' && r.verb === 'create').length, podCreates, 'a running pod was created again');
    });
  });

  describe('permissions', function () {
    it('reports a missing permission (403) naming the verb and resource', async function () {
      const rules = hubRbacRules().map((r) => ({ ...r, verbs: r.resources.includes('pods') ? r.verbs.filter((v) => v !== 'create') : r.verbs }));
      const limited = await harness({ rules });
      const provider = await limited.provider();
      await assert.rejects(provider.ensureRunning(alice), (err: KubernetesProviderError) => {
        assert.equal(err.code, 'FORBIDDEN');
        assert.match(err.message, /cannot create resource "pods"/);
        return true;
      });
      assert.equal((await provider.status(alice)).state, 'failed');
    });

    it('fails start() when the hub may not list what it watches', async function () {
      const rules = hubRbacRules().filter((r) => !r.resources.includes('nodes'));
      const limited = await harness({ rules });
      const provider = await limited.provider();
      await assert.rejects(provider.start(), (err: KubernetesProviderError) => err.code === 'FORBIDDEN');
    });

    it('uses exactly the permissions of deploy/base/rbac.yaml, no more and no fewer', function () {
      const granted = new Set(hubRbacRules().flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}`)))));
      const unused = [...granted].filter((p) => !usedAcrossTests.has(p)).sort();
      const ungranted = [...usedAcrossTests].filter((p) => !granted.has(p)).sort();
      assert.deepEqual(unused, [], 'the ClusterRole grants permissions the provider never uses');
      assert.deepEqual(ungranted, [], 'the provider uses permissions the ClusterRole lacks');
    });
  });
});
