// deploy/ builds with `kubectl kustomize` for every overlay, and every object
// it produces is a valid Kubernetes object that installs Classpod as designed.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kubernetesOptionsFromEnv } from '../../src/workspaces/kubernetes';
import { requireTool, runTool } from './external-tool';
import { KubernetesObjectLike, validateKubernetesObject } from './kubernetes-schema';
import { repoRoot } from './repo-root';

interface Container {
  name: string;
  image: string;
  env?: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  securityContext?: Record<string, unknown>;
  readinessProbe?: { httpGet?: { path: string } };
  livenessProbe?: { httpGet?: { path: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

function build(kubectl: string, dir: string): KubernetesObjectLike[] {
  const run = runTool(kubectl, ['kustomize', dir]);
  assert.equal(run.status, 0, `kubectl kustomize ${dir} failed: ${run.stderr}`);
  return parseAllDocuments(run.stdout).map((doc) => {
    if (doc.errors.length > 0) throw doc.errors[0];
    return doc.toJSON() as KubernetesObjectLike;
  });
}

function find(objects: KubernetesObjectLike[], kind: string, name: string): Obj {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  assert.ok(found, `${kind} ${name} is missing`);
  return found as Obj;
}

function hubContainer(objects: KubernetesObjectLike[]): Container {
  const deployment = find(objects, 'Deployment', 'classpod-hub');
  const containers = deployment.spec.template.spec.containers as Container[];
  const hub = containers.find((c) => c.name === 'hub');
  assert.ok(hub, 'the hub Deployment has no container named hub');
  return hub;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);

describe('deploy/ (kustomize)', function () {
  const deployDir = path.join(repoRoot(), 'deploy');
  const builds = new Map<string, KubernetesObjectLike[]>();

  function overlay(ctx: Mocha.Context, name: string): KubernetesObjectLike[] {
    const kubectl = requireTool(ctx, 'kubectl', process.env.CLASSPOD_KUBECTL);
    let objects = builds.get(name);
    if (!objects) {
      objects = build(kubectl, path.join(deployDir, name));
      builds.set(name, objects);
    }
    return objects;
  }

  for (const name of ['base', 'overlays/dev', 'overlays/production']) {
    describe(name, function () {
      it('builds, and every object passes the Kubernetes schema', function () {
        const objects = overlay(this, name);
        assert.ok(objects.length >= 10, `only ${objects.length} objects`);
        for (const obj of objects) validateKubernetesObject(obj);
      });

      it('puts every namespaced object in the classpod namespace', function () {
        for (const obj of overlay(this, name)) {
          if (CLUSTER_SCOPED.has(obj.kind ?? '')) continue;
          assert.equal(obj.metadata?.namespace, 'classpod', `${obj.kind} ${obj.metadata?.name}`);
        }
      });

      it('runs the hub as a restricted, probed, resource-bounded container', function () {
        const objects = overlay(this, name);
        const deployment = find(objects, 'Deployment', 'classpod-hub');
        const podSpec = deployment.spec.template.spec;
        assert.equal(podSpec.serviceAccountName, 'classpod-hub');
        assert.equal(podSpec.securityContext.runAsNonRoot, true);
        assert.equal(podSpec.securityContext.seccompProfile.type, 'RuntimeDefault');
        const hub = hubContainer(objects);
        assert.deepEqual(hub.securityContext, {
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        assert.equal(hub.readinessProbe?.httpGet?.path, '/readyz');
        assert.equal(hub.livenessProbe?.httpGet?.path, '/healthz');
        for (const key of ['cpu', 'memory']) {
          assert.ok(hub.resources?.requests?.[key], `no ${key} request`);
          assert.ok(hub.resources?.limits?.[key], `no ${key} limit`);
        }
        const mounts = (hub as unknown as { volumeMounts: Array<{ name: string; mountPath: string }> }).volumeMounts;
        assert.deepEqual(mounts.map((m) => m.mountPath).sort(), ['/tmp', '/var/lib/classpod']);
        const data = podSpec.volumes.find((v: { name: string }) => v.name === 'data');
        assert.equal(data.persistentVolumeClaim.claimName, 'classpod-hub-data');
        find(objects, 'PersistentVolumeClaim', 'classpod-hub-data');
        const config = find(objects, 'ConfigMap', 'classpod-hub');
        assert.equal(config.data.CLASSPOD_PROVIDER, 'kubernetes');
      });

      it('configures the Kubernetes provider with settings it accepts', function () {
        const objects = overlay(this, name);
        const data = find(objects, 'ConfigMap', 'classpod-hub').data as Record<string, string>;
        const options = kubernetesOptionsFromEnv({ ...data, CLASSPOD_K8S_HUB_NAMESPACE: 'classpod' });
        assert.equal(options.agentImage, data.CLASSPOD_K8S_AGENT_IMAGE);
        assert.equal(options.defaults?.toolchainImage, data.CLASSPOD_K8S_TOOLCHAIN_IMAGE);
        assert.equal(options.idleTimeoutMs, Number(data.CLASSPOD_K8S_IDLE_TIMEOUT_SECONDS) * 1000);
        assert.equal(options.defaults?.storage, data.CLASSPOD_K8S_WORKSPACE_STORAGE);
      });

      it('exposes the hub through an Ingress that keeps WebSockets open', function () {
        const objects = overlay(this, name);
        const ingress = find(objects, 'Ingress', 'classpod-hub');
        const annotations = ingress.metadata.annotations as Record<string, string>;
        assert.ok(Number(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']) >= 3600);
        assert.ok(Number(annotations['nginx.ingress.kubernetes.io/proxy-send-timeout']) >= 3600);
        const backend = ingress.spec.rules[0].http.paths[0].backend.service;
        const service = find(objects, 'Service', backend.name);
        assert.ok(service.spec.ports.some((p: { name: string }) => p.name === backend.port.name));
      });

      it('denies all traffic in the hub namespace except what the hub needs', function () {
        const objects = overlay(this, name);
        const deny = find(objects, 'NetworkPolicy', 'default-deny');
        assert.deepEqual(deny.spec.podSelector, {});
        assert.deepEqual(deny.spec.policyTypes, ['Ingress', 'Egress']);
        assert.equal(deny.spec.ingress, undefined);
        assert.equal(deny.spec.egress, undefined);
        const egress = find(objects, 'NetworkPolicy', 'classpod-hub-egress');
        const toAgents = egress.spec.egress.find((rule: Obj) =>
          rule.to?.some((peer: Obj) => peer.namespaceSelector?.matchExpressions?.[0]?.key === 'classpod.io/course'),
        );
        assert.ok(toAgents, 'the hub may not reach agents in course namespaces');
        assert.deepEqual(toAgents.ports, [{ protocol: 'TCP', port: 7070 }]);
      });

      it('binds the hub ServiceAccount to its ClusterRole', function () {
        const objects = overlay(this, name);
        const binding = find(objects, 'ClusterRoleBinding', 'classpod-hub');
        assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'classpod-hub' });
        assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'classpod-hub', namespace: 'classpod' }]);
        find(objects, 'ClusterRole', 'classpod-hub');
        find(objects, 'ServiceAccount', 'classpod-hub');
      });
    });
  }

  it('dev uses locally built images and a local host name', function () {
    const objects = overlay(this, 'overlays/dev');
    assert.equal(hubContainer(objects).image, 'classpod/hub:dev');
    assert.equal(find(objects, 'ConfigMap', 'classpod-hub').data.CLASSPOD_K8S_AGENT_IMAGE, 'classpod/agent:dev');
    assert.equal(find(objects, 'Ingress', 'classpod-hub').spec.rules[0].host, 'classpod.localtest.me');
  });

  it('production reads DATABASE_URL from a Secret and serves TLS', function () {
    const objects = overlay(this, 'overlays/production');
    const hub = hubContainer(objects);
    const databaseUrl = hub.env?.find((e) => e.name === 'DATABASE_URL');
    assert.deepEqual(databaseUrl?.valueFrom?.secretKeyRef, { name: 'classpod-database', key: 'url' });
    assert.ok(hub.env?.some((e) => e.name === 'CLASSPOD_K8S_HUB_NAMESPACE'), 'the base env was lost by the patch');
    const ingress = find(objects, 'Ingress', 'classpod-hub');
    assert.equal(ingress.spec.tls[0].secretName, 'classpod-hub-tls');
    assert.deepEqual(ingress.spec.tls[0].hosts, [ingress.spec.rules[0].host]);
    find(objects, 'NetworkPolicy', 'classpod-hub-postgresql');
  });
});
