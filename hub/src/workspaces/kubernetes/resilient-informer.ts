// An informer (list, then watch from the list's resourceVersion) that keeps
// going: @kubernetes/client-node resumes a watch that ends and relists after
// 410 Gone, but stops on any other error; this restarts it with backoff.
import type * as k8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { Backoff } from '@classpod/protocol';
import { apiStatusOf } from './errors';
import type { ProviderLogger } from './options';

/** Callbacks for the objects an informer sees. */
export interface InformerHandlers<T> {
  upsert(obj: T): void;
  remove(obj: T): void;
}

/** Options of a `ResilientInformer`. */
export interface ResilientInformerOptions {
  /** What is watched, for logs (e.g. `pods`). */
  what: string;
  logger: ProviderLogger;
  /** First delay before a restart after an error (doubles up to `maxBackoffMs`). */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** A list+watch of one resource that restarts itself after errors until stopped. */
export class ResilientInformer<T extends k8s.KubernetesObject> {
  private readonly informer: k8s.Informer<T> & k8s.ObjectCache<T>;
  private stopped = true;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private connects = 0;
  private starting = false;
  private initialError: unknown;

  constructor(
    informer: k8s.Informer<T> & k8s.ObjectCache<T>,
    handlers: InformerHandlers<T>,
    private readonly options: ResilientInformerOptions,
  ) {
    this.informer = informer;
    this.backoff = new Backoff({ initialMs: options.backoffMs ?? 250, maxMs: options.maxBackoffMs ?? 30_000 });
    const healthy = () => this.backoff.reset();
    informer.on('add', (obj) => {
      healthy();
      handlers.upsert(obj);
    });
    informer.on('update', (obj) => {
      healthy();
      handlers.upsert(obj);
    });
    informer.on('delete', (obj) => {
      healthy();
      handlers.remove(obj);
    });
    informer.on('connect', () => {
      this.connects += 1;
    });
    informer.on('error', (err) => this.onError(err));
  }

  /** How many times the watch (re)connected; for diagnostics and tests. */
  get connections(): number {
    return this.connects;
  }

  /** Objects currently known. */
  list(): readonly T[] {
    return this.informer.list();
  }

  /** List and start watching; throws when the first list fails. */
  async start(): Promise<void> {
    this.stopped = false;
    this.initialError = undefined;
    this.starting = true;
    try {
      await this.informer.start();
    } finally {
      this.starting = false;
    }
    if (this.initialError !== undefined) {
      const err = this.initialError;
      await this.stop();
      throw err;
    }
  }

  /** Stop watching; no restart happens after this. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await this.informer.stop();
  }

  private onError(err: unknown): void {
    if (this.stopped) return;
    if (this.starting) {
      // start() reports a failing first list or watch to its caller.
      this.initialError ??= err;
      return;
    }
    const status = apiStatusOf(err);
    const delay = this.backoff.next();
    this.options.logger.warn('kubernetes watch failed; restarting', {
      what: this.options.what,
      status: status?.code,
      error: status?.message ?? (err instanceof Error ? err.message : String(err)),
      retryInMs: delay,
    });
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopped) return;
      // Errors of this attempt come back through the informer's error callback.
      this.informer.start().catch((e: unknown) => this.onError(e));
    }, delay);
    this.restartTimer.unref();
  }
}
