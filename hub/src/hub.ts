// A whole hub in one process: store, blobs, workspaces provider, grading
// queue, deadline collector and the server on one port. `startHub` starts it;
// `Hub.close()` stops everything it started, in order.

import { join } from 'node:path';
import { createLogger, MetricsRegistry, type Logger } from '@classpod/observability';
import { Authorization } from './api/authorization';
import type { ApiContext } from './api/api-context';
import { graderSpecResolver } from './assignments/spec-resolver';
import { TokenService } from './auth/tokens';
import { OidcSignIn } from './auth/oidc-sign-in';
import { RefreshCipher } from './auth/refresh-cipher';
import type { ResolvedOidcOptions } from './auth/oidc-config';
import type { SignInRepository } from './store/sign-in-repository';
import { BlobStore } from './blobs/blob-store';
import { BlobCollector } from './blobs/blob-collector';
import { validateOptions, type HubOptions } from './config';
import { DeadlineCollector } from './deadlines/deadline-collector';
import { EventHub } from './events/event-hub';
import { GradingQueue } from './grading/grading-queue';
import { HubServer } from './server/hub-server';
import { openStore } from './store/open-store';
import type { Store } from './store/store';
import { SubmissionIntake } from './submissions/submission-intake';
import { systemClock, type Clock } from './time/clock';
import { LocalWorkspaceProvider } from './workspaces/local/local-provider';
import { WorkspaceOpener } from './workspaces/workspace-opener';
import { AgentFileAccess } from './workspaces/agent-file-access';
import type { WorkspaceProvider } from './workspaces/workspace-provider';
import { WorkspaceStatusChangedNotification } from '@classpod/protocol';
import { workspaceView } from './api/views';
import type { VersionRepository } from './store/version-repository';
import { VersionRecorder } from './versions/version-recorder';
import { EditAuthors } from './versions/edit-authors';
import { VersionWatcher } from './versions/version-watcher';
import { PrewarmScheduler } from './workspaces/prewarm-scheduler';
import { SimilarityRunner } from './similarity/similarity-runner';
import { similarityLimits } from './similarity/similarity-limits';

/** A running hub. */
export interface Hub {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  readonly blobs: BlobStore;
  /** Removes blobs nothing names any more (every `blobCollectIntervalMs`). */
  readonly blobCollector: BlobCollector;
  readonly tokens: TokenService;
  readonly provider: WorkspaceProvider;
  readonly queue: GradingQueue;
  readonly deadlines: DeadlineCollector;
  /** Every recorded version of students' assignment folders. */
  readonly versions: VersionRepository;
  /** Records versions of running workspaces' folders. */
  readonly versionWatcher: VersionWatcher;
  /** Starts a course's workspaces ahead of its scheduled lab sessions. */
  readonly prewarm: PrewarmScheduler;
  readonly events: EventHub;
  readonly metrics: MetricsRegistry;
  readonly clock: Clock;
  readonly context: ApiContext;
  readonly server: HubServer;
  /** Identities and sign-ins under way (OpenID Connect). */
  readonly signIns: SignInRepository;
  /** OpenID Connect sign-in, when configured. */
  readonly oidc?: OidcSignIn;
  close(): Promise<void>;
}

/** Start a hub with these options. */
export async function startHub(options: HubOptions): Promise<Hub> {
  const o = validateOptions(options);
  const logger: Logger = o.logger ?? createLogger({ name: 'hub' });
  const clock = o.clock ?? systemClock;
  const metrics = new MetricsRegistry();
  const cleanups: Array<() => Promise<void> | void> = [];
  const closeAll = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (err) {
        logger.error('shutdown step failed', { err });
      }
    }
  };
  try {
    const store = await openStore({ dataDir: o.dataDir, databaseUrl: o.databaseUrl, now: () => clock.now() });
    cleanups.push(() => store.close());
    const blobs = new BlobStore(join(o.dataDir, 'blobs'));
    const blobCollector = new BlobCollector(store.database.db, blobs, logger.child({ area: 'blobs' }), o.blobGraceMs);
    const blobTimer = setInterval(() => void blobCollector.collect().catch((err: Error) => logger.warn('blobs not collected', { err })), o.blobCollectIntervalMs);
    blobTimer.unref();
    cleanups.push(() => clearInterval(blobTimer));
    const provider =
      typeof o.provider === 'object'
        ? o.provider
        : new LocalWorkspaceProvider({
            dataDir: o.dataDir,
            logger: logger.child({ area: 'workspaces' }),
            isolation: o.isolation,
            idleStopMs: o.idleStopMs,
            // validateOptions refused a local provider without it.
            agentScript: o.agentScript!,
          });
    cleanups.push(() => provider.dispose());
    // Each course may set its own idle time (course.yaml `workspaces.idleMinutes`).
    provider.activity.useCourseIdleTime(async (courseId) => {
      const seconds = await store.courses.idleStopSeconds(courseId);
      return seconds === undefined ? undefined : seconds * 1000;
    });
    await provider.start();
    const events = new EventHub(store);
    const queue = new GradingQueue(store, blobs, events, logger.child({ area: 'grading' }), metrics, {
      leaseMs: o.leaseMs,
      heartbeatMs: o.heartbeatMs,
      sweepMs: o.leaseSweepMs,
      officialSandboxes: o.officialSandboxes,
    });
    if (o.officialSandboxes.includes('none')) {
      logger.warn('the grading policy makes grades from `none` official: `none` is not a sandbox, submissions run with the worker\'s own rights', {
        officialSandboxes: o.officialSandboxes,
      });
    }
    // Every read and write of workspace files goes through the workspace's agent, whatever the provider.
    const files = new AgentFileAccess(provider);
    const intake = new SubmissionIntake(store, blobs, files, events, clock);
    intake.onQueued = () => queue.wake();
    let url = '';
    const opener = new WorkspaceOpener(store, blobs, provider, files, clock, () => o.publicUrl ?? url, logger.child({ area: 'workspaces' }));
    const rosters = store.rosters;
    const authz = new Authorization(store, rosters);
    const versions = store.versions;
    const recorder = new VersionRecorder(
      versions,
      blobs,
      clock,
      { keepPerFolder: o.versionKeepPerFolder, keepDays: o.versionKeepDays, courseQuotaBytes: o.versionCourseQuotaBytes },
      intake.limits,
      logger.child({ area: 'versions' }),
    );
    const edits = new EditAuthors();
    const versionWatcher = new VersionWatcher({
      edits,
      store,
      provider,
      recorder,
      logger: logger.child({ area: 'versions' }),
      clock,
      debounceMs: o.versionDebounceMs,
      refreshMs: o.versionRefreshMs,
      recorded: metrics.counter('hub_versions_total', 'Looks at a changed assignment folder, by outcome (recorded, unchanged, refused, failed).', ['outcome']),
    });
    const similarity = new SimilarityRunner(store, blobs, similarityLimits(o.similarity), logger.child({ area: 'similarity' }));
    cleanups.push(() => similarity.close());
    const prewarmSessions = store.prewarm;
    // The scheduler starts after the server; the API wakes it once it exists.
    const prewarmRef: { scheduler?: PrewarmScheduler } = {};
    const context: ApiContext = {
      store,
      rosters,
      invites: store.invites,
      publicUrl: () => o.publicUrl ?? url,
      blobs,
      clock,
      events,
      provider,
      workspaces: opener,
      intake,
      queue,
      authz,
      versions,
      prewarm: { sessions: prewarmSessions, wake: () => prewarmRef.scheduler?.wake() },
      feedback: store.feedback,
      resolveSpec: o.resolveSpec ?? graderSpecResolver(),
      similarity,
      edits,
      logger,
    };
    const unsubscribe = provider.onStatus((status) => {
      void store.people
        .get(status.studentId)
        .then((p) => events.publish(WorkspaceStatusChangedNotification.type, { workspace: workspaceView(status, p?.name) }, status))
        .catch((err: Error) => logger.warn('workspace event not sent', { err }));
    });
    cleanups.push(unsubscribe);
    const tokens = new TokenService(store, () => clock.now());
    const signIns = store.signIns;
    const oidc = o.oidc
      ? new OidcSignIn(
          o.oidc as ResolvedOidcOptions,
          store,
          signIns,
          tokens,
          clock,
          logger.child({ area: 'oidc' }),
          () => o.publicUrl ?? url,
          RefreshCipher.fromFile((o.oidc as ResolvedOidcOptions).refreshKeyFile ?? join(o.dataDir, 'oidc-refresh.keys')),
        )
      : undefined;
    // After a key rotation (or an upgrade from unsealed rows), every stored provider refresh token is sealed under the new key.
    await oidc?.resealStoredRefreshes();
    let started = false;
    const server = new HubServer({
      ctx: context,
      tokens,
      metrics,
      logger,
      maxFrameBytes: o.maxFrameBytes,
      pingIntervalMs: o.pingIntervalMs,
      oidc,
      secureCookies: (o.oidc?.redirectUrl ?? o.publicUrl ?? '').startsWith('https:'),
      ready: async () => started && (await store.ready()),
    });
    const address = await server.listen(o.host, o.port);
    cleanups.push(() => server.close());
    url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
    queue.start();
    cleanups.push(() => queue.stop());
    await versionWatcher.start();
    cleanups.push(() => versionWatcher.stop());
    const deadlines = new DeadlineCollector(store, versions, intake, clock, logger.child({ area: 'deadlines' }), o.deadlinePollMs);
    deadlines.settleVersionsWith((courseId, assignmentId) => versionWatcher.settle(courseId, assignmentId));
    await deadlines.start();
    cleanups.push(() => deadlines.stop());
    const prewarmScheduler = new PrewarmScheduler({
      sessions: prewarmSessions,
      store,
      opener,
      clock,
      logger: logger.child({ area: 'prewarm' }),
      idleTimeOf: async (courseId) => {
        const seconds = await store.courses.idleStopSeconds(courseId);
        return seconds === undefined ? o.idleStopMs : seconds * 1000;
      },
      pollMs: o.prewarmPollMs,
    });
    prewarmRef.scheduler = prewarmScheduler;
    cleanups.push(() => prewarmScheduler.stop());
    await prewarmScheduler.start();
    await similarity.start();
    started = true;
    logger.info('hub started', { url, provider: provider.kind, database: o.databaseUrl ? 'postgres' : 'sqlite', dataDir: o.dataDir, officialSandboxes: o.officialSandboxes, idleStopMs: o.idleStopMs, leaseMs: o.leaseMs });
    return {
      url,
      port: address.port,
      store,
      blobs,
      blobCollector,
      tokens,
      provider,
      queue,
      deadlines,
      versions,
      versionWatcher,
      prewarm: prewarmScheduler,
      events,
      metrics,
      clock,
      context,
      server,
      signIns,
      ...(oidc ? { oidc } : {}),
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
