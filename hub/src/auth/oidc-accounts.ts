// From the checked claims of an ID token to a person of the hub. The key is
// issuer + subject, never the email (an email can be re-assigned or unverified)
// nor a person id that happens to match. The role claim's values grant course
// roles only through the configured mapping, matched exactly; for the courses a
// grant names, the provider's answer decides the role at each sign-in, and each
// change is audit-logged. A person the hub does not know and the mapping grants
// nothing is refused, or enrolled as a student where the configuration says.

import type { Logger } from '@classpod/observability';
import { isSlugId } from '../ids/slug-ids';
import type { Person, Role } from '../store/records';
import type { SignInRepository } from '../store/sign-in-repository';
import type { Store } from '../store/store';
import type { ResolvedOidcOptions, RoleGrant } from './oidc-config';

/** The claims the hub reads (already checked by the OpenID client). */
export interface IdClaims {
  iss: string;
  sub: string;
  email?: unknown;
  name?: unknown;
  preferred_username?: unknown;
  [claim: string]: unknown;
}

/** A sign-in the hub refuses; `status` is the HTTP status of the answer. */
export class SignInRefused extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const RANK: Record<Role, number> = { student: 1, assistant: 2, professor: 3 };

/** The course roles the claim's values grant through the mapping: the highest per course. */
export function grantedRoles(claims: IdClaims, roleClaim: string, mapping: ReadonlyMap<string, readonly RoleGrant[]>): Map<string, Role> {
  const raw = Object.hasOwn(claims, roleClaim) ? claims[roleClaim] : undefined;
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out = new Map<string, Role>();
  for (const v of values) {
    if (typeof v !== 'string') continue;
    for (const g of mapping.get(v) ?? []) {
      const had = out.get(g.course);
      if (!had || RANK[g.role] > RANK[had]) out.set(g.course, g.role);
    }
  }
  return out;
}

const text = (v: unknown, max = 200): string | undefined => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined);

/** A person id to try for a new person: a slug from their username, email or name. */
export function personIdBase(claims: IdClaims): string {
  const source = text(claims.preferred_username) ?? text(claims.email)?.split('@')[0] ?? text(claims.name) ?? '';
  const slug = source
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 55)
    .replace(/-+$/, '');
  return isSlugId(slug) ? slug : 'person';
}

export class OidcAccounts {
  private readonly mapping: ReadonlyMap<string, readonly RoleGrant[]>;

  constructor(
    private readonly store: Store,
    private readonly identities: SignInRepository,
    private readonly options: ResolvedOidcOptions,
    private readonly logger: Logger,
  ) {
    this.mapping = new Map(Object.entries(options.roleMapping));
  }

  /** The person these claims are, created and enrolled as the policy says; throws SignInRefused. */
  async personFor(claims: IdClaims): Promise<Person> {
    const granted = grantedRoles(claims, this.options.roleClaim, this.mapping);
    const name = text(claims.name) ?? text(claims.preferred_username) ?? text(claims.email) ?? claims.sub.slice(0, 60);
    const email = text(claims.email, 320);
    const knownId = await this.identities.personOf(claims.iss, claims.sub);
    let person: Person;
    if (knownId) {
      const existing = await this.store.people.get(knownId);
      if (!existing) throw new SignInRefused(403, `the account ${claims.sub} at ${claims.iss} names a person who no longer exists on this hub`);
      person = { ...existing, name, email: email ?? existing.email };
      if (person.name !== existing.name || person.email !== existing.email) await this.store.people.upsert(person);
    } else {
      if (granted.size === 0 && this.options.unknownPeople === 'refuse') {
        throw new SignInRefused(403, `${name} (account ${claims.sub} at ${claims.iss}) is not enrolled in any course on this hub; ask the course's staff to enrol you`);
      }
      if (granted.size === 0) for (const c of this.options.enrolCourses) granted.set(c, 'student');
      person = await this.create(claims, name, email);
    }
    await this.applyRoles(person, granted);
    await this.identities.touch(claims.iss, claims.sub);
    return person;
  }

  /** A new person with a fresh id, linked to the identity, in one transaction. */
  private async create(claims: IdClaims, name: string, email: string | undefined): Promise<Person> {
    const base = personIdBase(claims);
    for (let n = 1; n < 1000; n++) {
      const id = n === 1 ? base : `${base}-${n}`;
      const made = await this.store.transaction(async (tx) => {
        if (!(await tx.people.insertIfNew({ id, name, email, admin: false }))) return false;
        await tx.signIns.link({ issuer: claims.iss, subject: claims.sub, personId: id });
        return true;
      });
      if (made) {
        await this.store.audit.add({ actorId: id, action: 'person.create', target: id, detail: JSON.stringify({ source: 'oidc', issuer: claims.iss, subject: claims.sub }) });
        return { id, name, email, admin: false };
      }
    }
    throw new SignInRefused(500, 'no free person id for this account; ask the hub operator');
  }

  /** Enrol as granted, in courses that exist; each change audit-logged. */
  private async applyRoles(person: Person, granted: Map<string, Role>): Promise<void> {
    for (const [courseId, role] of granted) {
      if (!(await this.store.courses.get(courseId))) {
        this.logger.warn('the role mapping names a course the hub does not have', { courseId });
        continue;
      }
      const had = await this.store.courses.roleIn(courseId, person.id);
      if (had === role) continue;
      await this.store.courses.enrol({ courseId, personId: person.id, role });
      await this.store.audit.add({ actorId: person.id, action: 'role.change', courseId, target: person.id, detail: JSON.stringify({ from: had ?? null, to: role, source: 'oidc' }) });
    }
  }
}
