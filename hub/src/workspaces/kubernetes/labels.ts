// Every label key, annotation key and object name the Kubernetes provider
// writes, in one place. Names are derived from course and student ids, which
// may hold characters Kubernetes refuses: they are slugged, and a short hash
// keeps two ids that slug alike apart.
import { createHash } from 'node:crypto';
import type { WorkspaceKey } from '../workspace-provider';

/** Recommended labels (app.kubernetes.io/*) and Classpod's own. */
export const LABEL = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  course: 'classpod.io/course',
  student: 'classpod.io/student',
  /** Set by Kubernetes on every namespace. */
  namespaceName: 'kubernetes.io/metadata.name',
} as const;

/** Annotations keep the exact ids (labels hold slugs). */
export const ANNOTATION = {
  courseId: 'classpod.io/course-id',
  studentId: 'classpod.io/student-id',
} as const;

/** Label values shared by everything the provider creates. */
export const VALUE = {
  partOf: 'classpod',
  managedBy: 'classpod-hub',
  workspaceName: 'classpod-workspace',
  workspaceComponent: 'workspace',
  courseComponent: 'course',
  hubName: 'classpod-hub',
} as const;

/** Names of a course namespace's network policies. */
export const POLICY = {
  defaultDeny: 'default-deny',
  hubToAgent: 'allow-hub-to-agent',
  dns: 'allow-dns',
  packageMirror: 'allow-package-mirror',
} as const;

/** The agent's port inside every workspace pod. */
export const AGENT_PORT = 7070;
/** Container and volume names inside a workspace pod. */
export const CONTAINER = { workspace: 'workspace', agentInstall: 'agent-install' } as const;
/** Key of the agent token inside its Secret. */
export const TOKEN_KEY = 'token';

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/**
 * A DNS-1123 label of at most `max` characters made from `id`: lowercase
 * letters, digits and dashes; a hash suffix when the id had to change.
 */
export function slug(id: string, max: number): string {
  const cleaned = id
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (cleaned === id && cleaned.length <= max && cleaned.length > 0) return cleaned;
  const hash = shortHash(id);
  const room = max - hash.length - 1;
  const head = cleaned.slice(0, room).replace(/-+$/g, '');
  return head ? `${head}-${hash}` : hash;
}

/** A label value (at most 63 characters, alphanumeric at both ends) for an id. */
export function labelValue(id: string): string {
  if (/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/.test(id)) return id;
  return slug(id, 63);
}

/** The namespace of a course. */
export function courseNamespace(courseId: string): string {
  return `classpod-${slug(courseId, 53)}`;
}

/** Names of the objects of one workspace, all in the course namespace. */
export interface WorkspaceNames {
  namespace: string;
  /** Pod and Service (a DNS-1035 label: starts with a letter). */
  pod: string;
  service: string;
  /** The student's files. */
  claim: string;
  /** The agent's token. */
  secret: string;
}

/** Names of a workspace's objects. */
export function workspaceNames(key: WorkspaceKey): WorkspaceNames {
  const base = `ws-${slug(key.studentId, 40)}`;
  return {
    namespace: courseNamespace(key.courseId),
    pod: base,
    service: base,
    claim: `${base}-files`,
    secret: `${base}-agent-token`,
  };
}

/** Labels of a course namespace. */
export function courseLabels(courseId: string): Record<string, string> {
  return {
    [LABEL.partOf]: VALUE.partOf,
    [LABEL.managedBy]: VALUE.managedBy,
    [LABEL.component]: VALUE.courseComponent,
    [LABEL.course]: labelValue(courseId),
  };
}

/** Labels of every object of one workspace (the pod's select its Service). */
export function workspaceLabels(key: WorkspaceKey): Record<string, string> {
  return {
    [LABEL.name]: VALUE.workspaceName,
    [LABEL.instance]: workspaceNames(key).pod,
    [LABEL.component]: VALUE.workspaceComponent,
    [LABEL.partOf]: VALUE.partOf,
    [LABEL.managedBy]: VALUE.managedBy,
    [LABEL.course]: labelValue(key.courseId),
    [LABEL.student]: labelValue(key.studentId),
  };
}

/** Annotations that lead from an object back to its workspace. */
export function workspaceAnnotations(key: WorkspaceKey): Record<string, string> {
  return { [ANNOTATION.courseId]: key.courseId, [ANNOTATION.studentId]: key.studentId };
}

/** Selects every workspace pod the hub manages, in every namespace. */
export const WORKSPACE_SELECTOR = `${LABEL.managedBy}=${VALUE.managedBy},${LABEL.component}=${VALUE.workspaceComponent}`;
/** Selects every course namespace. */
export const COURSE_NAMESPACE_SELECTOR = `${LABEL.managedBy}=${VALUE.managedBy},${LABEL.course}`;

/** The workspace an object belongs to, from its annotations. */
export function keyFromAnnotations(annotations: Record<string, string> | undefined): WorkspaceKey | undefined {
  const courseId = annotations?.[ANNOTATION.courseId];
  const studentId = annotations?.[ANNOTATION.studentId];
  return courseId && studentId ? { courseId, studentId } : undefined;
}
