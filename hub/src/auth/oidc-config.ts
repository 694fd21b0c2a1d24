// The configuration of OpenID Connect sign-in: which provider, which client,
// where it comes back to, how a claim maps to course roles, and what happens to
// a person the hub does not know. Typed, with defaults here, checked before the
// hub starts; read from a YAML file (`--oidc-config`), the client secret
// preferably from the environment.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { isSlugId } from '../ids/slug-ids';
import type { Role } from '../store/records';

/** What a value of the role claim grants. */
export interface RoleGrant {
  course: string;
  role: Role;
}

export interface OidcOptions {
  /** The issuer URL; its `/.well-known/openid-configuration` is read. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** This hub's callback as registered at the provider (default `<public URL>/v1/auth/oidc/callback`). */
  redirectUrl?: string;
  /** Scopes asked for (default `openid email profile`). */
  scopes?: string;
  /** The claim whose values map to roles (default `groups`). */
  roleClaim?: string;
  /** Claim value → the course roles it grants. Values match exactly. */
  roleMapping?: Record<string, RoleGrant[]>;
  /** A person the hub does not know and the mapping grants nothing: refused, or enrolled as a student of `enrolCourses`. */
  unknownPeople?: 'refuse' | 'enrol-student';
  /** Where `enrol-student` enrols. */
  enrolCourses?: string[];
  /** How long a hub session from a sign-in lasts (ms, default 12 h). */
  sessionMs?: number;
  /** How long a started sign-in may take (ms, default 10 min). */
  signInMs?: number;
  /**
   * How long after a sign-in its session may be renewed (ms, default 30 days).
   * Renewal needs a refresh token from the provider: add `offline_access` to
   * `scopes` (the hub then asks for consent, as providers require).
   */
  refreshMs?: number;
  /**
   * Where a local client's sign-in may end besides loopback addresses: URL
   * prefixes, each ending in `/` (default: VS Code's own URI scheme for the
   * Classpod extension). Add the address of a code-server or VS Code for the
   * Web the university runs (`https://code.uni.example/`): its `/callback`
   * page hands the code to the extension there. List only addresses you run.
   */
  clientRedirects?: string[];
  /**
   * The file of keys that seal the provider's refresh tokens at rest
   * (auth/refresh-cipher.ts; default `<data folder>/oidc-refresh.keys`, made
   * with one fresh key when missing). Hubs that share a database share it.
   */
  refreshKeyFile?: string;
}

export const OIDC_DEFAULTS = {
  scopes: 'openid email profile',
  roleClaim: 'groups',
  unknownPeople: 'refuse' as const,
  sessionMs: 12 * 3_600_000,
  signInMs: 10 * 60_000,
  refreshMs: 30 * 24 * 3_600_000,
  clientRedirects: ['vscode://classpod.classpod/', 'vscode-insiders://classpod.classpod/'],
};

export type ResolvedOidcOptions = Required<Omit<OidcOptions, 'roleMapping' | 'enrolCourses' | 'redirectUrl' | 'refreshKeyFile'>> & {
  roleMapping: Record<string, RoleGrant[]>;
  enrolCourses: string[];
  redirectUrl?: string;
  refreshKeyFile?: string;
};

/** The path of the hub's callback. */
export const OIDC_CALLBACK_PATH = '/v1/auth/oidc/callback';

/** A configuration a person must fix. */
export class OidcConfigError extends Error {}

const ROLES: readonly Role[] = ['professor', 'assistant', 'student'];

/** Whether plain HTTP is acceptable for this URL: loopback only (development and tests). */
export function isLoopbackUrl(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

function checkUrl(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new OidcConfigError(`oidc.${name} is required (a URL)`);
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new OidcConfigError(`oidc.${name} ${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackUrl(url))) {
    throw new OidcConfigError(`oidc.${name} ${value} must use https (plain http is accepted on loopback only)`);
  }
  return value;
}

/** Check an OIDC configuration and fill in defaults. */
export function validateOidcOptions(o: OidcOptions): ResolvedOidcOptions {
  if (typeof o !== 'object' || o === null) throw new OidcConfigError('oidc must be a mapping');
  checkUrl('issuer', o.issuer);
  if (o.redirectUrl !== undefined) {
    checkUrl('redirectUrl', o.redirectUrl);
    if (!new URL(o.redirectUrl).pathname.endsWith(OIDC_CALLBACK_PATH)) throw new OidcConfigError(`oidc.redirectUrl ${o.redirectUrl} must be this hub's ${OIDC_CALLBACK_PATH}`);
  }
  if (typeof o.clientId !== 'string' || !o.clientId) throw new OidcConfigError('oidc.clientId is required');
  if (typeof o.clientSecret !== 'string' || !o.clientSecret) throw new OidcConfigError('oidc.clientSecret is required (or CLASSPOD_OIDC_CLIENT_SECRET)');
  const merged = { ...OIDC_DEFAULTS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as ResolvedOidcOptions;
  if (!merged.scopes.split(' ').includes('openid')) throw new OidcConfigError(`oidc.scopes must include openid, not ${merged.scopes}`);
  if (!['refuse', 'enrol-student'].includes(merged.unknownPeople)) throw new OidcConfigError(`oidc.unknownPeople must be refuse or enrol-student, not ${String(merged.unknownPeople)}`);
  for (const k of ['sessionMs', 'signInMs', 'refreshMs'] as const) if (!(Number(merged[k]) > 0)) throw new OidcConfigError(`oidc.${k} must be a positive number`);
  merged.roleMapping = merged.roleMapping ?? {};
  for (const [value, grants] of Object.entries(merged.roleMapping)) {
    if (!Array.isArray(grants)) throw new OidcConfigError(`oidc.roleMapping.${value} must be a list of { course, role }`);
    for (const g of grants) {
      if (!isSlugId(g?.course)) throw new OidcConfigError(`oidc.roleMapping.${value}: course ${JSON.stringify(g?.course)} is not a course id`);
      if (!ROLES.includes(g.role)) throw new OidcConfigError(`oidc.roleMapping.${value}: role ${JSON.stringify(g.role)} is not one of ${ROLES.join(', ')}`);
    }
  }
  if (!Array.isArray(merged.clientRedirects)) throw new OidcConfigError('oidc.clientRedirects must be a list of URL prefixes');
  for (const prefix of merged.clientRedirects) {
    let url: URL | undefined;
    try {
      url = new URL(String(prefix));
    } catch {
      url = undefined;
    }
    const bad = !url || url.href !== prefix || !prefix.endsWith('/') || url.search || url.hash || url.username || url.password || ['http:', 'javascript:', 'data:', 'file:', 'blob:'].includes(url.protocol) || (url.protocol !== 'https:' && !url.host);
    if (bad) throw new OidcConfigError(`oidc.clientRedirects: ${JSON.stringify(prefix)} must be an https:// or app-scheme URL with a host, ending in / and without query (loopback http is always accepted)`);
  }
  if (merged.refreshKeyFile !== undefined && (typeof merged.refreshKeyFile !== 'string' || !merged.refreshKeyFile)) throw new OidcConfigError('oidc.refreshKeyFile must be a file path');
  merged.enrolCourses = merged.enrolCourses ?? [];
  for (const c of merged.enrolCourses) if (!isSlugId(c)) throw new OidcConfigError(`oidc.enrolCourses: ${JSON.stringify(c)} is not a course id`);
  if (merged.unknownPeople === 'enrol-student' && merged.enrolCourses.length === 0) throw new OidcConfigError('oidc.unknownPeople enrol-student needs oidc.enrolCourses');
  return merged;
}

/** The `oidc:` mapping of a YAML file; the environment's CLASSPOD_OIDC_CLIENT_SECRET wins over the file's secret. */
export function readOidcConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): OidcOptions {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new OidcConfigError(`the OIDC configuration cannot be read: ${(err as Error).message}`);
  }
  const oidc = (doc as { oidc?: unknown } | null)?.oidc ?? doc;
  if (typeof oidc !== 'object' || oidc === null) throw new OidcConfigError('the OIDC configuration file must hold a mapping (optionally under `oidc:`)');
  return { ...(oidc as OidcOptions), ...(env.CLASSPOD_OIDC_CLIENT_SECRET ? { clientSecret: env.CLASSPOD_OIDC_CLIENT_SECRET } : {}) };
}
