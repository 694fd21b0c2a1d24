// The namespace of each course and what it holds besides workspaces: labels,
// the network policies (default deny, hub to agents, DNS, and the course's
// package mirror if it has one), and the course's workspace settings. Each
// namespace is prepared once per hub run; an existing one is brought up to date.
import { KubernetesProviderError, isStatus, toProviderError } from './errors';
import type { KubeClients } from './kube-clients';
import { LABEL, VALUE, courseLabels, courseNamespace } from './labels';
import { courseNamespaceManifest, courseNetworkPolicies, toWire } from './manifests';
import {
  DEFAULT_COURSE_SETTINGS,
  checkCourseSettings,
  type CourseWorkspaceSettings,
  type KubernetesProviderOptions,
  type ProviderLogger,
} from './options';

type CourseOptions = Pick<KubernetesProviderOptions, 'hubNamespace' | 'hubPodLabels' | 'defaults' | 'courseSettings'>;

/** Course namespaces, prepared on first use. */
export class CourseNamespaces {
  private readonly prepared = new Map<string, Promise<void>>();

  constructor(
    private readonly clients: () => Promise<KubeClients>,
    private readonly options: CourseOptions,
    private readonly log: ProviderLogger,
  ) {}

  /** Create (or bring up to date) the course's namespace and policies; once per course unless it fails or is forgotten. */
  ensure(courseId: string): Promise<void> {
    let pending = this.prepared.get(courseId);
    if (!pending) {
      pending = this.prepare(courseId).catch((err: unknown) => {
        this.prepared.delete(courseId);
        throw toProviderError(err, `preparing the namespace of course ${courseId}`);
      });
      this.prepared.set(courseId, pending);
    }
    return pending;
  }

  /** The namespace is gone (an administrator deleted it): the next `ensure` makes it again. */
  forget(courseId: string): void {
    this.prepared.delete(courseId);
  }

  /** The course's workspace settings: its own over the hub's defaults over Classpod's, checked. */
  async settingsFor(courseId: string): Promise<CourseWorkspaceSettings> {
    const course = (await this.options.courseSettings?.(courseId)) ?? {};
    const settings: CourseWorkspaceSettings = { ...DEFAULT_COURSE_SETTINGS, ...this.options.defaults, ...course };
    try {
      checkCourseSettings(settings);
    } catch (err) {
      throw new KubernetesProviderError('INVALID', `course ${courseId}: ${(err as Error).message}`);
    }
    return settings;
  }

  private async prepare(courseId: string): Promise<void> {
    const { core, networking, mergePatch } = await this.clients();
    const settings = await this.settingsFor(courseId);
    const namespace = courseNamespaceManifest(courseId);
    try {
      await core.createNamespace({ body: namespace });
      this.log.info('course namespace created', { course: courseId, namespace: namespace.metadata?.name });
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
      await core.patchNamespace({ name: courseNamespace(courseId), body: { metadata: { labels: courseLabels(courseId) } } }, mergePatch);
    }
    const hub = { namespace: this.options.hubNamespace, podLabels: this.options.hubPodLabels ?? { [LABEL.name]: VALUE.hubName } };
    for (const policy of courseNetworkPolicies(courseId, hub, settings.packageMirror)) {
      const name = policy.metadata?.name ?? '';
      const ns = courseNamespace(courseId);
      try {
        await networking.createNamespacedNetworkPolicy({ namespace: ns, body: policy });
      } catch (err) {
        if (!isStatus(err, 409)) throw err;
        // Exists from an earlier run: bring its rules up to date (the course may have changed its mirror).
        await networking.patchNamespacedNetworkPolicy({ name, namespace: ns, body: toWire({ spec: policy.spec }) }, mergePatch);
      }
    }
  }
}
