// The hub's configuration: every option typed, with its default here and its
// environment variable named in hub/README.md. Validated before anything starts.

import { resolve } from 'node:path';
import { parseDuration, parseSize } from '@classpod/protocol';
import type { Logger } from '@classpod/observability';
import { OidcConfigError, readOidcConfigFile, validateOidcOptions, type OidcOptions } from './auth/oidc-config';
import type { SpecResolver } from './assignments/spec-resolver';
import { DEFAULT_OFFICIAL_SANDBOXES, SANDBOX_NAMES } from './grading/grading-policy';
import type { Clock } from './time/clock';
import { DEFAULT_IDLE_STOP_MS } from './workspaces/activity-tracker';
import type { WorkspaceProvider } from './workspaces/workspace-provider';
import type { SimilarityLimits } from './similarity/similarity-limits';

export interface HubOptions {
  /** Folder for the SQLite file, blobs, workspaces (local provider). */
  dataDir: string;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 8080; 0: any free one). */
  port?: number;
  /** PostgreSQL connection string; SQLite in the data folder when absent. */
  databaseUrl?: string;
  /** The URL clients use to reach the hub (written into workspaces' course.json). */
  publicUrl?: string;
  /** `local` (default) or a provider instance (Kubernetes, tests). */
  provider?: 'local' | WorkspaceProvider;
  /** Local provider: `auto`, `bubblewrap` or `none`. */
  isolation?: 'auto' | 'bubblewrap' | 'none';
  /**
   * Local provider: the workspace agent's program, a JavaScript file run with this Node
   * (`agentCommandPath()` of @classpod/agent). Required with the local provider; the
   * hub's command finds it (`--agent`, CLASSPOD_AGENT_SCRIPT, else the installed agent).
   */
  agentScript?: string;
  /** Stop a workspace idle this long (ms) unless its course sets its own time (course.yaml `workspaces.idleMinutes`). */
  idleStopMs?: number;
  /** The hub's clock (tests inject one). */
  clock?: Clock;
  logger?: Logger;
  /** Grading lease length and heartbeat interval (ms). */
  leaseMs?: number;
  heartbeatMs?: number;
  /** How often expired leases are swept (ms). */
  leaseSweepMs?: number;
  /** Longest pause between two deadline checks (ms). */
  deadlinePollMs?: number;
  /** Longest pause between two looks for lab sessions to pre-warm (ms). */
  prewarmPollMs?: number;
  /** Turns a spec file into a grading spec (default: the grader package's loader). */
  resolveSpec?: SpecResolver;
  /** Largest inbound frame on the hub API (bytes). */
  maxFrameBytes?: number;
  /** Ping clients this often; drop those that missed the previous pong (ms). */
  pingIntervalMs?: number;
  /** Sandboxes whose grades are official (default isolate); workers in any other are refused. */
  officialSandboxes?: string[];
  /** Versions kept per student and assignment (the newest always). */
  versionKeepPerFolder?: number;
  /** Versions older than this many days are removed (a folder's newest never). */
  versionKeepDays?: number;
  /** Bytes of versions one course may hold (each version's files' sizes, summed); over it, the oldest go. */
  versionCourseQuotaBytes?: number;
  /** Quiet time after a change in a workspace before its folder is recorded as a version (ms). */
  versionDebounceMs?: number;
  /** How often a running workspace is looked at for new assignment folders to record (ms). */
  versionRefreshMs?: number;
  /** How often blobs nothing names any more are removed from disk (ms). */
  blobCollectIntervalMs?: number;
  /** Blobs written or reused more recently than this are never removed (ms). */
  blobGraceMs?: number;
  /** Limits of a similarity check (hub/README.md, "Similarity checks"); each has a default. */
  similarity?: Partial<SimilarityLimits>;
  /** OpenID Connect sign-in (hub/README.md, "Signing in"); personal tokens work with or without it. */
  oidc?: OidcOptions;
}

/** Defaults, in one place. */
export const HUB_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  isolation: 'auto' as const,
  idleStopMs: DEFAULT_IDLE_STOP_MS,
  leaseMs: 30_000,
  heartbeatMs: 5_000,
  leaseSweepMs: 2_000,
  deadlinePollMs: 5_000,
  prewarmPollMs: 15_000,
  maxFrameBytes: 16 * 1024 * 1024,
  pingIntervalMs: 30_000,
  officialSandboxes: [...DEFAULT_OFFICIAL_SANDBOXES],
  versionKeepPerFolder: 1000,
  versionKeepDays: 365,
  versionCourseQuotaBytes: 20 * 1024 ** 3,
  versionDebounceMs: 2_000,
  versionRefreshMs: 15_000,
  blobCollectIntervalMs: 6 * 3_600_000,
  blobGraceMs: 3_600_000,
};

/** A configuration a person must fix. */
export class HubConfigError extends Error {}

/** Options from the environment (`CLASSPOD_*`, `DATABASE_URL`), overridden by explicit ones. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<HubOptions> {
  const out: Partial<HubOptions> = {};
  if (env.CLASSPOD_DATA_DIR) out.dataDir = env.CLASSPOD_DATA_DIR;
  if (env.CLASSPOD_HOST) out.host = env.CLASSPOD_HOST;
  if (env.CLASSPOD_PORT) out.port = Number(env.CLASSPOD_PORT);
  if (env.DATABASE_URL) out.databaseUrl = env.DATABASE_URL;
  if (env.CLASSPOD_PUBLIC_URL) out.publicUrl = env.CLASSPOD_PUBLIC_URL;
  if (env.CLASSPOD_ISOLATION) out.isolation = env.CLASSPOD_ISOLATION as HubOptions['isolation'];
  const idleStop = durationSetting(env.CLASSPOD_IDLE_STOP || undefined, 'CLASSPOD_IDLE_STOP', env.CLASSPOD_IDLE_STOP_MS || undefined, 'CLASSPOD_IDLE_STOP_MS');
  if (idleStop !== undefined) out.idleStopMs = idleStop;
  if (env.CLASSPOD_VERSION_KEEP) out.versionKeepPerFolder = Number(env.CLASSPOD_VERSION_KEEP);
  if (env.CLASSPOD_VERSION_KEEP_DAYS) out.versionKeepDays = Number(env.CLASSPOD_VERSION_KEEP_DAYS);
  if (env.CLASSPOD_VERSION_COURSE_QUOTA_BYTES) out.versionCourseQuotaBytes = sizeOption(env.CLASSPOD_VERSION_COURSE_QUOTA_BYTES, 'CLASSPOD_VERSION_COURSE_QUOTA_BYTES');
  if (env.CLASSPOD_AGENT_SCRIPT) out.agentScript = env.CLASSPOD_AGENT_SCRIPT;
  if (env.CLASSPOD_OFFICIAL_SANDBOXES) out.officialSandboxes = parseSandboxList(env.CLASSPOD_OFFICIAL_SANDBOXES);
  if (env.CLASSPOD_OIDC_CONFIG) out.oidc = oidcOptionsFromFile(env.CLASSPOD_OIDC_CONFIG, env);
  return out;
}

/** The milliseconds of option `what`: `30s`, `10m`, `1h30m`, `500ms`; bare digits count in `bareUnit` (seconds, or ms for the old `-ms` names). */
export function durationOption(text: string, what: string, bareUnit: 'ms' | 's' = 's'): number {
  const ms = parseDuration(text, bareUnit);
  if (ms === undefined || ms === 0) {
    throw new HubConfigError(`${what} must be a duration like 30s, 10m, 1h30m or 500ms${bareUnit === 'ms' ? ' (bare digits: milliseconds)' : ''}, not \`${text}\``);
  }
  return ms;
}

/** The bytes of option `what`: `1048576`, `512MiB`, `20GiB`. */
export function sizeOption(text: string, what: string): number {
  const bytes = parseSize(text);
  if (bytes === undefined || bytes === 0) throw new HubConfigError(`${what} must be a size like 1048576, 512MiB or 20GiB, not \`${text}\``);
  return bytes;
}

/**
 * A duration given under its name (bare digits: seconds) or under its old
 * `-ms` / `_MS` name (bare digits: milliseconds); both at once is a mistake.
 */
export function durationSetting(text: string | undefined, what: string, msText: string | undefined, msWhat: string): number | undefined {
  if (text !== undefined && msText !== undefined) throw new HubConfigError(`give ${what} or ${msWhat}, not both`);
  if (text !== undefined) return durationOption(text, what, 's');
  if (msText !== undefined) return durationOption(msText, msWhat, 'ms');
  return undefined;
}

/** The OIDC configuration file (`--oidc-config`, `CLASSPOD_OIDC_CONFIG`), as a configuration error when unreadable. */
export function oidcOptionsFromFile(path: string, env: NodeJS.ProcessEnv = process.env): OidcOptions {
  try {
    return readOidcConfigFile(path, env);
  } catch (err) {
    if (err instanceof OidcConfigError) throw new HubConfigError(err.message);
    throw err;
  }
}

/** `isolate,local` → `['isolate', 'local']`. */
export function parseSandboxList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Check options and fill in defaults. */
export function validateOptions(o: HubOptions): HubOptions & typeof HUB_DEFAULTS {
  const merged = { ...HUB_DEFAULTS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as HubOptions & typeof HUB_DEFAULTS;
  if (!merged.dataDir) throw new HubConfigError('a data folder is required (--data DIR or CLASSPOD_DATA_DIR)');
  merged.dataDir = resolve(merged.dataDir);
  if (!Number.isInteger(merged.port) || merged.port < 0 || merged.port > 65535) throw new HubConfigError(`port ${merged.port} is not a TCP port`);
  if (!['auto', 'bubblewrap', 'none'].includes(merged.isolation)) throw new HubConfigError(`isolation must be auto, bubblewrap or none, not ${merged.isolation}`);
  for (const k of ['idleStopMs', 'leaseMs', 'heartbeatMs', 'leaseSweepMs', 'deadlinePollMs', 'prewarmPollMs', 'maxFrameBytes', 'pingIntervalMs', 'versionKeepPerFolder', 'versionKeepDays', 'versionCourseQuotaBytes', 'versionDebounceMs', 'versionRefreshMs', 'blobCollectIntervalMs', 'blobGraceMs'] as const) {
    if (!(Number(merged[k]) > 0)) throw new HubConfigError(`${k} must be a positive number, not ${merged[k]}`);
  }
  if (merged.officialSandboxes.length === 0) throw new HubConfigError('the grading policy must name at least one sandbox (isolate, local or none)');
  for (const name of merged.officialSandboxes) {
    if (!(SANDBOX_NAMES as readonly string[]).includes(name)) throw new HubConfigError(`official sandbox ${name} is not one of isolate, local, none`);
  }
  if ((merged.provider ?? 'local') === 'local' && !merged.agentScript) {
    throw new HubConfigError('the local workspace provider needs the agent program (agentScript; classpod-hub serve takes --agent FILE or CLASSPOD_AGENT_SCRIPT)');
  }
  if (merged.publicUrl && !/^https?:\/\//.test(merged.publicUrl)) throw new HubConfigError(`public URL ${merged.publicUrl} must start with http:// or https://`);
  if (merged.oidc) {
    try {
      merged.oidc = validateOidcOptions(merged.oidc);
    } catch (err) {
      if (err instanceof OidcConfigError) throw new HubConfigError(err.message);
      throw err;
    }
  }
  return merged;
}
