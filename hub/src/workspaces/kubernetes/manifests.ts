// The Kubernetes objects of a course and of a workspace, built as typed
// values. Pure functions: the provider decides when to create them, the tests
// validate them against the Kubernetes schemas.
import type * as k8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { WorkspaceKey } from '../workspace-provider';
import {
  AGENT_PORT,
  CONTAINER,
  LABEL,
  POLICY,
  TOKEN_KEY,
  VALUE,
  courseLabels,
  courseNamespace,
  workspaceAnnotations,
  workspaceLabels,
  workspaceNames,
} from './labels';
import type { CourseWorkspaceSettings, PackageMirror } from './options';

/**
 * The wire (JSON) form of an object built from @kubernetes/client-node's
 * typed models, which spell the reserved word `from` as `_from`.
 */
export function toWire<T>(value: T): unknown {
  if (Array.isArray(value)) return value.map((v) => toWire(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k === '_from' ? 'from' : k] = toWire(v);
    return out;
  }
  return value;
}

/** The uid and gid workspaces run as (the toolchain image's `student`). */
export const WORKSPACE_UID = 1000;
/** Where things live inside a workspace container. */
export const WORKSPACE_PATHS = {
  workspace: '/workspace',
  tmp: '/tmp',
  agent: '/opt/classpod',
  tokenDir: '/var/run/classpod/agent-token',
} as const;

/** The namespace of a course. */
export function courseNamespaceManifest(courseId: string): k8s.V1Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: courseNamespace(courseId),
      labels: {
        ...courseLabels(courseId),
        // Pod Security Admission: workspaces must satisfy the restricted profile.
        'pod-security.kubernetes.io/enforce': 'restricted',
      },
      annotations: { 'classpod.io/course-id': courseId },
    },
  };
}

function policy(courseId: string, name: string, spec: k8s.V1NetworkPolicySpec): k8s.V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: courseNamespace(courseId), labels: courseLabels(courseId) },
    spec,
  };
}

const workspacePods: k8s.V1LabelSelector = { matchLabels: { [LABEL.component]: VALUE.workspaceComponent } };

/**
 * The network policies of a course namespace: deny everything; let the hub's
 * pods reach the agents; let workspaces resolve names; and, when the course
 * allows it, reach its package mirror (an empty rule list otherwise, so the
 * policy exists and is patched rather than deleted).
 */
export function courseNetworkPolicies(
  courseId: string,
  hub: { namespace: string; podLabels: Record<string, string> },
  mirror: PackageMirror | undefined,
): k8s.V1NetworkPolicy[] {
  return [
    policy(courseId, POLICY.defaultDeny, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy(courseId, POLICY.hubToAgent, {
      podSelector: workspacePods,
      policyTypes: ['Ingress'],
      ingress: [
        {
          _from: [
            {
              namespaceSelector: { matchLabels: { [LABEL.namespaceName]: hub.namespace } },
              podSelector: { matchLabels: hub.podLabels },
            },
          ],
          ports: [{ protocol: 'TCP', port: AGENT_PORT }],
        },
      ],
    }),
    policy(courseId, POLICY.dns, {
      podSelector: workspacePods,
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { [LABEL.namespaceName]: 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    }),
    policy(courseId, POLICY.packageMirror, {
      podSelector: workspacePods,
      policyTypes: ['Egress'],
      egress: mirror
        ? [
            {
              to: [{ ipBlock: { cidr: mirror.cidr } }],
              ports: mirror.ports.map((port) => ({ protocol: 'TCP', port: port })),
            },
          ]
        : [],
    }),
  ];
}

function metadata(key: WorkspaceKey, name: string): k8s.V1ObjectMeta {
  return {
    name,
    namespace: workspaceNames(key).namespace,
    labels: workspaceLabels(key),
    annotations: workspaceAnnotations(key),
  };
}

/** The student's files: kept when the workspace stops. */
export function workspaceClaimManifest(key: WorkspaceKey, settings: CourseWorkspaceSettings): k8s.V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: metadata(key, workspaceNames(key).claim),
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: settings.storage } },
      ...(settings.storageClassName ? { storageClassName: settings.storageClassName } : {}),
    },
  };
}

/** The agent's token; only the hub (and the kubelet mounting it) reads it. */
export function agentTokenSecretManifest(key: WorkspaceKey, token: string): k8s.V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(key, workspaceNames(key).secret),
    type: 'Opaque',
    immutable: true,
    data: { [TOKEN_KEY]: Buffer.from(token, 'utf8').toString('base64') },
  };
}

/** The stable address of the agent, inside the cluster only. */
export function workspaceServiceManifest(key: WorkspaceKey): k8s.V1Service {
  const names = workspaceNames(key);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(key, names.service),
    spec: {
      type: 'ClusterIP',
      selector: { [LABEL.instance]: names.pod, [LABEL.component]: VALUE.workspaceComponent },
      ports: [{ name: 'agent', port: AGENT_PORT, targetPort: 'agent', protocol: 'TCP' }],
    },
  };
}

const restricted: k8s.V1SecurityContext = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * The workspace pod. An init container copies the agent (with its own Node)
 * from the agent image into an emptyDir; the course's toolchain image then
 * runs it, so terminals and test runs see the course's compilers.
 */
export function workspacePodManifest(
  key: WorkspaceKey,
  settings: CourseWorkspaceSettings,
  agentImage: string,
): k8s.V1Pod {
  const names = workspaceNames(key);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: metadata(key, names.pod),
    spec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 15,
      hostname: names.pod,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: WORKSPACE_UID,
        runAsGroup: WORKSPACE_UID,
        fsGroup: WORKSPACE_UID,
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      },
      initContainers: [
        {
          name: CONTAINER.agentInstall,
          image: agentImage,
          command: ['/bin/cp', '-a', `${WORKSPACE_PATHS.agent}/.`, '/agent/'],
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
          securityContext: restricted,
          volumeMounts: [{ name: 'agent', mountPath: '/agent' }],
        },
      ],
      containers: [
        {
          name: CONTAINER.workspace,
          image: settings.toolchainImage,
          command: [`${WORKSPACE_PATHS.agent}/bin/classpod-agent`],
          args: [
            '--root',
            WORKSPACE_PATHS.workspace,
            '--listen',
            `0.0.0.0:${AGENT_PORT}`,
            '--token-file',
            `${WORKSPACE_PATHS.tokenDir}/${TOKEN_KEY}`,
          ],
          workingDir: WORKSPACE_PATHS.workspace,
          env: [
            { name: 'HOME', value: `${WORKSPACE_PATHS.tmp}/home` },
            { name: 'CLASSPOD_COURSE_ID', value: key.courseId },
            { name: 'CLASSPOD_STUDENT_ID', value: key.studentId },
          ],
          ports: [{ name: 'agent', containerPort: AGENT_PORT, protocol: 'TCP' }],
          readinessProbe: {
            httpGet: { path: '/readyz', port: 'agent' },
            periodSeconds: 2,
            failureThreshold: 3,
          },
          livenessProbe: {
            httpGet: { path: '/healthz', port: 'agent' },
            initialDelaySeconds: 10,
            periodSeconds: 10,
            failureThreshold: 3,
          },
          resources: {
            requests: { cpu: settings.cpuRequest, memory: settings.memoryRequest },
            limits: { cpu: settings.cpuLimit, memory: settings.memoryLimit },
          },
          securityContext: restricted,
          volumeMounts: [
            { name: 'workspace', mountPath: WORKSPACE_PATHS.workspace },
            { name: 'tmp', mountPath: WORKSPACE_PATHS.tmp },
            { name: 'agent', mountPath: WORKSPACE_PATHS.agent, readOnly: true },
            { name: 'agent-token', mountPath: WORKSPACE_PATHS.tokenDir, readOnly: true },
          ],
        },
      ],
      volumes: [
        { name: 'workspace', persistentVolumeClaim: { claimName: names.claim } },
        { name: 'tmp', emptyDir: { sizeLimit: settings.tmpSize } },
        { name: 'agent', emptyDir: { sizeLimit: '512Mi' } },
        { name: 'agent-token', secret: { secretName: names.secret, defaultMode: 0o440 } },
      ],
    },
  };
}
