// deploy/workspace/reference.yaml shows operators exactly what the hub creates
// for a course and for one student's workspace. This keeps it in step with
// the provider's manifest builders (CLASSPOD_UPDATE_REFERENCE=1 rewrites it).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import {
  DEFAULT_COURSE_SETTINGS,
  agentTokenSecretManifest,
  courseNamespaceManifest,
  courseNetworkPolicies,
  toWire,
  workspaceClaimManifest,
  workspacePodManifest,
  workspaceServiceManifest,
} from '../../src/workspaces/kubernetes';
import { validateKubernetesObject, type KubernetesObjectLike } from './kubernetes-schema';
import { repoRoot } from './repo-root';

function reference(): { text: string; objects: KubernetesObjectLike[] } {
  const key = { courseId: 'cs101', studentId: 'alice' };
  const settings = { ...DEFAULT_COURSE_SETTINGS };
  const objects = [
    courseNamespaceManifest(key.courseId),
    ...courseNetworkPolicies(key.courseId, { namespace: 'classpod', podLabels: { 'app.kubernetes.io/name': 'classpod-hub' } }, undefined),
    workspaceClaimManifest(key, settings),
    agentTokenSecretManifest(key, 'a-random-token-made-by-the-hub'),
    workspaceServiceManifest(key),
    workspacePodManifest(key, settings, 'classpod/agent:0.1.0'),
  ].map((o) => toWire(o) as KubernetesObjectLike);
  const header =
    '# What the hub creates for course `cs101` and its student `alice` (generated from\n' +
    '# hub/src/workspaces/kubernetes/manifests.ts by hub/test/deploy/workspace-reference.test.ts;\n' +
    '# CLASSPOD_UPDATE_REFERENCE=1 npm test rewrites it). For review, not for kubectl apply.\n';
  return { text: header + objects.map((o) => '---\n' + stringify(o)).join(''), objects };
}

describe('deploy/workspace/reference.yaml', function () {
  const file = path.join(repoRoot(), 'deploy', 'workspace', 'reference.yaml');

  it('is what the provider creates, and every object passes the Kubernetes schema', function () {
    const { text, objects } = reference();
    if (process.env.CLASSPOD_UPDATE_REFERENCE === '1') fs.writeFileSync(file, text);
    for (const obj of objects) validateKubernetesObject(obj);
    assert.equal(fs.readFileSync(file, 'utf8'), text, 'reference.yaml is out of date: run with CLASSPOD_UPDATE_REFERENCE=1');
  });
});
