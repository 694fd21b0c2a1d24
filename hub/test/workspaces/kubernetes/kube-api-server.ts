// A small but real Kubernetes API server for tests, on 127.0.0.1: the REST
// paths the hub's provider uses (namespaces, nodes, pods, persistent volume
// claims, services, secrets, network policies) with create/get/list/watch/
// patch/delete, resourceVersions, watch streams that can be ended (and must be
// resumed) or expired (410), Status objects for 401/403/404/409/415/422, RBAC
// from deploy/base/rbac.yaml, a pod quota, schema validation of every created
// object, and a kubelet that moves pods Pending → Running over time.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { validateKubernetesObject, type KubernetesObjectLike } from '../../deploy/kubernetes-schema';
import { repoRoot } from '../../deploy/repo-root';

/** An RBAC rule (as in a ClusterRole). */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** What the simulated kubelet does with a pod. */
export type PodBehaviour = 'run' | 'unschedulable' | 'image-pull' | 'crash';

interface ResourceType {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}

const TYPES: ResourceType[] = [
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true },
  { group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true },
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

interface WatchEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: string;
  object: Obj;
}

interface Watcher {
  resource: string;
  namespace?: string;
  selector: string | undefined;
  res: http.ServerResponse;
}

/** One request as the server saw it. */
export interface RecordedRequest {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
  status: number;
}

/** The hub's ClusterRole rules, as committed in deploy/. */
export function hubRbacRules(): PolicyRule[] {
  const file = path.join(repoRoot(), 'deploy', 'base', 'rbac.yaml');
  for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    const obj = doc.toJSON() as Obj;
    if (obj?.kind === 'ClusterRole') return obj.rules as PolicyRule[];
  }
  throw new Error(`no ClusterRole in ${file}`);
}

/** `a=b,c,!d,e!=f` against labels. */
export function matchesSelector(labels: Record<string, string> | undefined, selector: string | undefined): boolean {
  if (!selector) return true;
  const have = labels ?? {};
  return selector.split(',').every((term) => {
    const t = term.trim();
    if (!t) return true;
    if (t.startsWith('!')) return !(t.slice(1) in have);
    const ne = t.indexOf('!=');
    if (ne > 0) return have[t.slice(0, ne)] !== t.slice(ne + 2);
    const eq = t.indexOf('=');
    if (eq > 0) return have[t.slice(0, eq)] === t.slice(eq + 1).replace(/^=/, '');
    return t in have;
  });
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Obj = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Obj) } : {};
  for (const [k, v] of Object.entries(patch as Obj)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE])?$/;

/** The fake API server. Start with `KubeApiServer.start()`, stop with `close()`. */
export class KubeApiServer {
  /** Bearer token clients must present. */
  readonly token = 'classpod-test-token';
  readonly requests: RecordedRequest[] = [];
  /** Objects refused by schema validation (should stay empty). */
  readonly schemaRejections: string[] = [];
  /** Every object created, as received (for validation by tests). */
  readonly created: Obj[] = [];
  /** Decides what the kubelet does with each new pod. */
  podBehaviour: (pod: Obj) => PodBehaviour = () => 'run';
  /** Delay between two kubelet steps. */
  stepMs = 15;
  rules: PolicyRule[];

  private readonly server: http.Server;
  private readonly store = new Map<string, Map<string, Obj>>();
  private readonly events: WatchEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly quotas = new Map<string, number>();
  private rv = 100;
  private held: WatchEvent[] | undefined;
  private failingWatches = 0;
  private expiredBefore = 0;
  private podCounter = 0;

  private constructor(rules: PolicyRule[]) {
    this.rules = rules;
    for (const type of TYPES) this.store.set(type.resource, new Map());
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  static async start(options: { rules?: PolicyRule[] } = {}): Promise<KubeApiServer> {
    const server = new KubeApiServer(options.rules ?? hubRbacRules());
    await new Promise<void>((resolve) => server.server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** `resource:verb` pairs (group-qualified) that requests used successfully or were refused for. */
  usedPermissions(): Set<string> {
    return new Set(this.requests.filter((r) => r.status !== 401).map((r) => `${r.group}/${r.resource}:${r.verb}`));
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- test controls -------------------------------------------------------

  /** End every open watch stream normally (clients must resume from their resourceVersion). */
  endWatches(): number {
    const n = this.watchers.size;
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
    return n;
  }

  /** Answer the next `count` watch requests with 500 (an API server in trouble). */
  failNextWatches(count: number): void {
    this.failingWatches = count;
  }

  /** Hold back watch events (a lagging watch) until `releaseWatches()`. */
  holdWatches(): void {
    this.held ??= [];
  }

  /** Deliver the held watch events, in order. */
  releaseWatches(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const event of held) for (const w of this.watchers) this.send(w, event);
  }

  /** Forget the event history: watches from any resourceVersion seen so far get 410 Gone. */
  expireHistory(): void {
    this.expiredBefore = this.rv;
    this.events.length = 0;
  }

  /** At most `pods` pods in a namespace; more are refused with 403 "exceeded quota". */
  setPodQuota(namespace: string, pods: number): void {
    this.quotas.set(namespace, pods);
  }

  addNode(name: string, spec: { ready?: boolean; cpu?: string; memory?: string } = {}): void {
    const node: Obj = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, uid: randomUUID(), creationTimestamp: new Date().toISOString(), labels: { 'kubernetes.io/hostname': name } },
      status: {
        capacity: { cpu: spec.cpu ?? '4', memory: spec.memory ?? '16Gi', pods: '110' },
        allocatable: { cpu: spec.cpu ?? '4', memory: spec.memory ?? '16Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: spec.ready === false ? 'False' : 'True', reason: 'KubeletReady' }],
      },
    };
    this.put('nodes', node, 'ADDED');
  }

  setNodeReady(name: string, ready: boolean): void {
    const node = this.get('nodes', undefined, name);
    if (!node) throw new Error(`no node ${name}`);
    node.status.conditions = [{ type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'KubeletReady' : 'NodeStatusUnknown' }];
    this.put('nodes', node, 'MODIFIED');
  }

  /** Delete a namespace and everything in it, as an administrator would. */
  deleteNamespace(name: string): void {
    for (const type of TYPES) {
      if (!type.namespaced) continue;
      for (const obj of this.list(type.resource, name)) this.put(type.resource, obj, 'DELETED');
    }
    const ns = this.get('namespaces', undefined, name);
    if (ns) this.put('namespaces', ns, 'DELETED');
  }

  /** Delete a pod as an administrator would (no RBAC), gracefully. */
  deletePod(namespace: string, name: string): void {
    const pod = this.get('pods', namespace, name);
    if (!pod) throw new Error(`no pod ${namespace}/${name}`);
    this.deleteObject('pods', pod);
  }

  /** A copy of a stored object. */
  get(resource: string, namespace: string | undefined, name: string): Obj | undefined {
    const obj = this.store.get(resource)?.get(`${namespace ?? ''}/${name}`);
    return obj ? structuredClone(obj) : undefined;
  }

  /** Copies of the stored objects of a resource. */
  list(resource: string, namespace?: string): Obj[] {
    return [...(this.store.get(resource)?.values() ?? [])]
      .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
      .map((o) => structuredClone(o));
  }

  // ---- storage and events --------------------------------------------------

  private put(resource: string, obj: Obj, type: WatchEvent['type']): Obj {
    this.rv += 1;
    obj.metadata.resourceVersion = String(this.rv);
    const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    if (type === 'DELETED') this.store.get(resource)?.delete(key);
    else this.store.get(resource)?.set(key, structuredClone(obj));
    const event: WatchEvent = { rv: this.rv, type, resource, object: structuredClone(obj) };
    this.events.push(event);
    if (this.held) this.held.push(event);
    else for (const w of this.watchers) this.send(w, event);
    return obj;
  }

  private send(w: Watcher, event: WatchEvent): void {
    if (w.resource !== event.resource) return;
    if (w.namespace && event.object.metadata.namespace !== w.namespace) return;
    if (!matchesSelector(event.object.metadata.labels, w.selector)) return;
    w.res.write(JSON.stringify({ type: event.type, object: event.object }) + '\n');
  }

  private later(fn: () => void, steps = 1): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, this.stepMs * steps);
    this.timers.add(timer);
  }

  private deleteObject(resource: string, obj: Obj): void {
    if (resource !== 'pods') {
      this.put(resource, obj, 'DELETED');
      return;
    }
    if (obj.metadata.deletionTimestamp) return;
    obj.metadata.deletionTimestamp = new Date().toISOString();
    obj.metadata.deletionGracePeriodSeconds = 15;
    this.put('pods', obj, 'MODIFIED');
    this.later(() => {
      const current = this.get('pods', obj.metadata.namespace, obj.metadata.name);
      if (current && current.metadata.uid === obj.metadata.uid) this.put('pods', current, 'DELETED');
    });
  }

  // ---- the kubelet ---------------------------------------------------------

  private updatePod(pod: Obj, change: (p: Obj) => void): void {
    const current = this.get('pods', pod.metadata.namespace, pod.metadata.name);
    if (!current || current.metadata.uid !== pod.metadata.uid || current.metadata.deletionTimestamp) return;
    change(current);
    this.put('pods', current, 'MODIFIED');
  }

  private runKubelet(pod: Obj): void {
    const behaviour = this.podBehaviour(pod);
    const containers: Obj[] = pod.spec.containers;
    const status = (name: string, image: string, state: Obj, extra: Obj = {}) => ({
      name,
      image,
      imageID: '',
      ready: false,
      restartCount: 0,
      started: false,
      state,
      ...extra,
    });
    if (behaviour === 'unschedulable') {
      this.later(() =>
        this.updatePod(pod, (p) => {
          p.status.conditions = [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available.',
            },
          ];
        }),
      );
      return;
    }
    const nodes = this.list('nodes').filter((n) => n.status.conditions.some((c: Obj) => c.type === 'Ready' && c.status === 'True'));
    const nodeName = nodes[this.podCounter % Math.max(1, nodes.length)]?.metadata.name ?? 'node-a';
    this.podCounter += 1;
    this.later(() =>
      this.updatePod(pod, (p) => {
        p.spec.nodeName = nodeName;
        p.status.conditions = [{ type: 'PodScheduled', status: 'True' }];
        p.status.containerStatuses = containers.map((c) => status(c.name, c.image, { waiting: { reason: 'ContainerCreating' } }));
      }),
    );
    const main = containers[0];
    if (behaviour === 'image-pull') {
      this.later(() =>
        this.updatePod(pod, (p) => {
          p.status.containerStatuses = [
            status(main.name, main.image, {
              waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${main.image}": not found` },
            }),
          ];
        }),
      2);
      return;
    }
    const startedAt = new Date().toISOString();
    this.later(() =>
      this.updatePod(pod, (p) => {
        p.status.phase = 'Running';
        p.status.startTime = startedAt;
        p.status.podIP = `10.244.0.${(this.podCounter % 250) + 2}`;
        p.status.conditions = [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
        ];
        p.status.containerStatuses = [status(main.name, main.image, { running: { startedAt } }, { started: true })];
      }),
    2);
    if (behaviour === 'crash') {
      this.later(() =>
        this.updatePod(pod, (p) => {
          p.status.containerStatuses = [
            status(
              main.name,
              main.image,
              { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
              { restartCount: 3, lastState: { terminated: { exitCode: 127, reason: 'Error', startedAt, finishedAt: startedAt } } },
            ),
          ];
        }),
      3);
      return;
    }
    this.later(() =>
      this.updatePod(pod, (p) => {
        p.status.conditions = [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: 'True' },
        ];
        p.status.containerStatuses = [status(main.name, main.image, { running: { startedAt } }, { started: true, ready: true })];
      }),
    3);
  }

  // ---- HTTP ----------------------------------------------------------------

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        this.route(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        this.status(res, 500, 'InternalError', (err as Error).message);
      }
    });
  }

  private status(res: http.ServerResponse, code: number, reason: string, message: string, details?: Obj): void {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code }));
  }

  private json(res: http.ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean);
    let group: string;
    let rest: string[];
    if (parts[0] === 'api' && parts[1] === 'v1') {
      group = '';
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts.length >= 3) {
      group = parts[1];
      rest = parts.slice(3);
    } else {
      return this.status(res, 404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
    }
    let namespace: string | undefined;
    let resource: string;
    let name: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      resource = rest[2];
      name = rest[3];
    } else {
      resource = rest[0];
      name = rest[1];
    }
    const type = TYPES.find((t) => t.resource === resource && t.group === group);
    if (!type || rest.length > 4) return this.status(res, 404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);

    const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    const method = req.method ?? 'GET';
    const verb =
      method === 'GET' ? (name ? 'get' : watch ? 'watch' : 'list') : method === 'POST' ? 'create' : method === 'PATCH' ? 'patch' : method === 'DELETE' ? 'delete' : method === 'PUT' ? 'update' : method.toLowerCase();
    const record = (status: number) => this.requests.push({ verb, group, resource, namespace, name, status });

    if (req.headers.authorization !== `Bearer ${this.token}`) {
      record(401);
      return this.status(res, 401, 'Unauthorized', 'Unauthorized');
    }
    const allowed = this.rules.some(
      (r) => (r.apiGroups.includes(group) || r.apiGroups.includes('*')) && (r.resources.includes(resource) || r.resources.includes('*')) && (r.verbs.includes(verb) || r.verbs.includes('*')),
    );
    if (!allowed) {
      record(403);
      const scope = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
      return this.status(
        res,
        403,
        'Forbidden',
        `${resource}${name ? ` "${name}"` : ''} is forbidden: User "system:serviceaccount:classpod:classpod-hub" cannot ${verb} resource "${resource}" in API group "${group}"${scope}`,
        { name, group, kind: resource },
      );
    }
    const code = this.serve(type, verb, namespace, name, url, req, res, body);
    record(code);
  }

  private serve(type: ResourceType, verb: string, namespace: string | undefined, name: string | undefined, url: URL, req: http.IncomingMessage, res: http.ServerResponse, body: string): number {
    const resource = type.resource;
    const selector = url.searchParams.get('labelSelector') ?? undefined;
    const notFound = (n: string) => {
      this.status(res, 404, 'NotFound', `${resource} "${n}" not found`, { name: n, kind: resource });
      return 404;
    };
    if (type.namespaced && namespace && verb !== 'list' && verb !== 'watch' && !this.get('namespaces', undefined, namespace)) {
      return notFound(namespace);
    }
    switch (verb) {
      case 'get': {
        const obj = this.get(resource, namespace, name ?? '');
        if (!obj) return notFound(name ?? '');
        this.json(res, 200, obj);
        return 200;
      }
      case 'list': {
        const items = this.list(resource, namespace).filter((o) => matchesSelector(o.metadata.labels, selector));
        this.json(res, 200, { kind: `${type.kind}List`, apiVersion: type.group ? `${type.group}/${type.version}` : type.version, metadata: { resourceVersion: String(this.rv) }, items });
        return 200;
      }
      case 'watch':
        if (this.failingWatches > 0) {
          this.failingWatches -= 1;
          this.status(res, 500, 'InternalError', 'etcdserver: request timed out');
          return 500;
        }
        return this.startWatch(resource, namespace, selector, url.searchParams.get('resourceVersion') ?? '', res);
      case 'create':
        return this.create(type, namespace, body, res);
      case 'patch': {
        const obj = this.get(resource, namespace, name ?? '');
        if (!obj) return notFound(name ?? '');
        if (req.headers['content-type'] !== 'application/merge-patch+json') {
          this.status(res, 415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json`);
          return 415;
        }
        const patched = mergePatch(obj, JSON.parse(body)) as Obj;
        patched.metadata.name = obj.metadata.name;
        patched.metadata.uid = obj.metadata.uid;
        const problem = this.validate(type, patched);
        if (problem) {
          this.status(res, 422, 'Invalid', problem);
          return 422;
        }
        this.json(res, 200, this.put(resource, patched, 'MODIFIED'));
        return 200;
      }
      case 'delete': {
        const obj = this.get(resource, namespace, name ?? '');
        if (!obj) return notFound(name ?? '');
        this.deleteObject(resource, obj);
        this.json(res, 200, this.get(resource, namespace, name ?? '') ?? obj);
        return 200;
      }
      default:
        this.status(res, 405, 'MethodNotAllowed', `${verb} is not supported by this test server`);
        return 405;
    }
  }

  private validate(type: ResourceType, obj: Obj): string | undefined {
    const name = obj.metadata?.name;
    if (typeof name !== 'string' || !DNS_LABEL.test(name) || name.length > 63) {
      return `${type.kind} "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'`;
    }
    if (type.kind === 'Pod') {
      for (const [i, c] of (obj.spec.containers as Obj[]).entries()) {
        for (const kind of ['requests', 'limits']) {
          for (const [res, q] of Object.entries((c.resources?.[kind] ?? {}) as Record<string, unknown>)) {
            if (!QUANTITY.test(String(q))) {
              return `Pod "${name}" is invalid: spec.containers[${i}].resources.${kind}[${res}]: Invalid value: "${q}": must match the regular expression for quantities`;
            }
          }
        }
      }
    }
    try {
      validateKubernetesObject(obj as KubernetesObjectLike);
    } catch (err) {
      this.schemaRejections.push((err as Error).message);
      return `${type.kind} "${name}" is invalid: ${(err as Error).message}`;
    }
    return undefined;
  }

  private create(type: ResourceType, namespace: string | undefined, body: string, res: http.ServerResponse): number {
    const obj = JSON.parse(body) as Obj;
    this.created.push(structuredClone(obj));
    obj.metadata ??= {};
    if (type.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
        this.status(res, 400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
        return 400;
      }
      obj.metadata.namespace = namespace;
    }
    const problem = this.validate(type, obj);
    if (problem) {
      this.status(res, 422, 'Invalid', problem, { name: obj.metadata.name, kind: type.resource });
      return 422;
    }
    if (this.get(type.resource, namespace, obj.metadata.name)) {
      this.status(res, 409, 'AlreadyExists', `${type.resource} "${obj.metadata.name}" already exists`, { name: obj.metadata.name, kind: type.resource });
      return 409;
    }
    const quota = namespace ? this.quotas.get(namespace) : undefined;
    if (type.kind === 'Pod' && quota !== undefined) {
      const used = this.list('pods', namespace).length;
      if (used >= quota) {
        this.status(
          res,
          403,
          'Forbidden',
          `pods "${obj.metadata.name}" is forbidden: exceeded quota: course-quota, requested: pods=1, used: pods=${used}, limited: pods=${quota}`,
          { name: obj.metadata.name, kind: 'pods' },
        );
        return 403;
      }
    }
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = new Date().toISOString();
    if (type.kind === 'Namespace') {
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name };
      obj.status = { phase: 'Active' };
    }
    if (type.kind === 'Pod') obj.status = { phase: 'Pending', qosClass: 'Burstable' };
    if (type.kind === 'PersistentVolumeClaim') obj.status = { phase: 'Bound' };
    const stored = this.put(type.resource, obj, 'ADDED');
    if (type.kind === 'Pod') this.runKubelet(stored);
    this.json(res, 201, stored);
    return 201;
  }

  private startWatch(resource: string, namespace: string | undefined, selector: string | undefined, since: string, res: http.ServerResponse): number {
    const sinceRv = since ? Number(since) : 0;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    if (sinceRv > 0 && sinceRv <= this.expiredBefore) {
      res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `too old resource version: ${sinceRv} (${this.expiredBefore})`, reason: 'Expired', code: 410 } }) + '\n');
      return 200;
    }
    const watcher: Watcher = { resource, namespace, selector, res };
    if (sinceRv === 0) {
      for (const obj of this.list(resource, namespace)) this.send(watcher, { rv: this.rv, type: 'ADDED', resource, object: obj });
    } else {
      for (const event of this.events) if (event.rv > sinceRv) this.send(watcher, event);
    }
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
    return 200;
  }
}
