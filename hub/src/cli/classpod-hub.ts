// `classpod-hub`: run the course server and administer it. Every command but
// `serve` opens the store directly (the SQLite file in the data folder, or
// DATABASE_URL), so it works whether or not a hub is running.

import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ASSIGNMENT_FILE_PATH, MAX_LATE_DAYS, plural, ProtocolError } from '@classpod/protocol';
import { createLogger } from '@classpod/observability';
import { addAssignmentFolder, CourseSetupError, enrolPerson, parseStudentCsv, setUpCourseFolder } from '../admin/course-setup';
import { AssignmentFolderError } from '../assignments/assignment-folder';
import { FolderError } from '../assignments/folder-files';
import { checkId, InvalidId, isSlugId } from '../ids/slug-ids';
import { inviteCodeHash, inviteSummary, MAX_INVITE_DAYS, newInviteCode } from '../api/invite-methods';
import { graderSpecResolver } from '../assignments/spec-resolver';
import { TokenService, TOKEN_SCOPES, type TokenScope } from '../auth/tokens';
import { BlobStore } from '../blobs/blob-store';
import { durationSetting, HubConfigError, oidcOptionsFromFile, optionsFromEnv, parseSandboxList } from '../config';
import { installedAgentProgram } from './agent-program';
import { exportGradeRecord, GradeRecordExportError } from '../grading/grade-record-export';
import { reviewLateness } from '../deadlines/lateness-review';
import { saveGroup } from '../groups/group-rules';
import { groupOwnerId, MAX_GROUP_ID_LENGTH } from '../groups/work-owner';
import { startHub } from '../hub';
import { openStore } from '../store/open-store';
import { RosterCsvError, sectionCell } from '../rosters/roster-csv';
import { describeRosterImport, exportRoster, importRoster, withdrawStudent } from '../rosters/roster-import';
import type { Role } from '../store/records';
import { parseInstant } from '../time/clock';
import { join } from 'node:path';
import type { WorkspaceProvider } from '../workspaces/workspace-provider';

const HELP = `usage: classpod-hub <command> [options]

  serve                      run the hub (--host, --port, --public-url, --provider local|kubernetes,
                             --isolation auto|bubblewrap|none,
                             --idle-stop DURATION: stop an idle local workspace (default 10m),
                             --lease DURATION: grading lease after the last heartbeat (default 30s),
                             --agent FILE: the workspace agent's program for the local provider
                             (or CLASSPOD_AGENT_SCRIPT; default: the installed @classpod/agent),
                             --official-sandboxes isolate[,local,none]: whose grades are official,
                             --oidc-config FILE: OpenID Connect sign-in, see hub/README.md)
  course create --id ID --title TITLE
  course create --from DIR   a course folder: course.yaml + assignments/<slug>/
  course idle --course ID --idle-stop DURATION|default
                             how long the course's workspaces may be idle (a running hub follows it)
  course late-days --course ID --days N|none
                             late days every student of the course has (see hub/README.md, Late days)
  assignment add --course ID --folder DIR [--id SLUG]
  groups save --course ID --assignment SLUG --group ID --members A,B[,…]
                             form a group of a group assignment (or replace its members)
  groups list --course ID [--assignment SLUG]
  people add --id ID --name NAME [--email E] [--course ID --role professor|assistant|student [--section S]] [--admin]
                             --section: a student's section, or a;b for staff who teach several
             [--oidc-subject SUB [--oidc-issuer URL]]   link the person's account at the identity provider
  students import --course ID --csv FILE      CSV with a header: id,name[,email]
  roster import --course ID --csv FILE [--apply]
                             preview (and with --apply make) the changes of a roster CSV:
                             id,name[,email,role,section,status]; students it leaves out are withdrawn
  roster export --course ID [--out FILE]
  roster withdraw --course ID --person ID    withdraw a student (their submissions and grades kept)
  invites create --course ID [--expires 14d] [--max-uses N] [--section S]
                             an invite that enrols whoever joins with its code as a student
                             (the code is shown once; with --public-url, the join link too)
  invites list --course ID   every invite of the course: state, uses, expiry
  invites revoke INVITE_ID --course ID   stop an invite (who joined stays)
  tokens issue --person ID [--scope hub|admin] [--expires 90d] [--label TEXT]
  tokens issue --grader [--expires 365d] [--label TEXT]   a token for grading workers
  tokens revoke TOKEN_ID
  tokens list [--person ID]
  record export --submission ID [--record ID] [--out FILE]
                             a grade record file (result, provenance, spec, sources) for classpod-grade --rerun
  status

common options:
  --data DIR           data folder (or CLASSPOD_DATA_DIR; default ./classpod-data)
  --database-url URL   PostgreSQL (or DATABASE_URL); SQLite in the data folder when absent

DURATION is seconds or a number with ms/s/m/h/d/w (or a sum: 1h30m); the older
--idle-stop-ms and --lease-ms still work, their bare digits in milliseconds.
`;

const options = {
  data: { type: 'string' },
  'database-url': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'public-url': { type: 'string' },
  isolation: { type: 'string' },
  'idle-stop': { type: 'string' },
  'idle-stop-ms': { type: 'string' },
  days: { type: 'string' },
  lease: { type: 'string' },
  'lease-ms': { type: 'string' },
  'official-sandboxes': { type: 'string' },
  'oidc-config': { type: 'string' },
  'oidc-issuer': { type: 'string' },
  'oidc-subject': { type: 'string' },
  submission: { type: 'string' },
  record: { type: 'string' },
  out: { type: 'string' },
  provider: { type: 'string' },
  agent: { type: 'string' },
  id: { type: 'string' },
  title: { type: 'string' },
  from: { type: 'string' },
  course: { type: 'string' },
  folder: { type: 'string' },
  name: { type: 'string' },
  email: { type: 'string' },
  role: { type: 'string' },
  admin: { type: 'boolean' },
  apply: { type: 'boolean' },
  csv: { type: 'string' },
  person: { type: 'string' },
  scope: { type: 'string' },
  grader: { type: 'boolean' },
  expires: { type: 'string' },
  label: { type: 'string' },
  'max-uses': { type: 'string' },
  section: { type: 'string' },
  assignment: { type: 'string' },
  group: { type: 'string' },
  members: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

/** An idle time as a person reads it ("90 s", "10 min"). */
function formatIdle(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

function need(v: string | undefined, flag: string): string {
  if (!v) throw new UsageError(`--${flag} is required`);
  return v;
}

async function main(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  const [cmd, sub, arg] = positionals;
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!cmd) {
    process.stderr.write(HELP);
    return 2;
  }
  const env = optionsFromEnv();
  const dataDir = resolve(v.data ?? env.dataDir ?? 'classpod-data');
  const databaseUrl = v['database-url'] ?? env.databaseUrl;

  if (cmd === 'serve') {
    const logger = createLogger({ name: 'hub' });
    const providerName = v.provider ?? process.env.CLASSPOD_PROVIDER ?? 'local';
    let provider: 'local' | WorkspaceProvider = 'local';
    if (providerName === 'kubernetes') {
      // Loaded only when asked for: the local default needs no Kubernetes client.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const k8s = require('../workspaces/kubernetes') as typeof import('../workspaces/kubernetes');
      provider = new k8s.KubernetesWorkspaceProvider({ ...k8s.kubernetesOptionsFromEnv(), logger: logger.child({ area: 'workspaces' }) });
    } else if (providerName !== 'local') {
      throw new UsageError(`--provider must be local or kubernetes, not ${providerName}`);
    }
    const hub = await startHub({
      provider,
      ...env,
      dataDir,
      databaseUrl,
      host: v.host ?? env.host,
      port: v.port !== undefined ? Number(v.port) : env.port,
      publicUrl: v['public-url'] ?? env.publicUrl,
      isolation: (v.isolation ?? env.isolation) as 'auto' | 'bubblewrap' | 'none' | undefined,
      idleStopMs: durationSetting(v['idle-stop'], '--idle-stop', v['idle-stop-ms'], '--idle-stop-ms') ?? env.idleStopMs,
      agentScript: provider === 'local' ? (v.agent ?? env.agentScript ?? installedAgentProgram()) : undefined,
      leaseMs: durationSetting(v.lease, '--lease', v['lease-ms'], '--lease-ms'),
      officialSandboxes: v['official-sandboxes'] !== undefined ? parseSandboxList(v['official-sandboxes']) : env.officialSandboxes,
      oidc: v['oidc-config'] !== undefined ? oidcOptionsFromFile(v['oidc-config']) : env.oidc,
      logger,
    });
    process.stdout.write(`listening on ${hub.url}\n`);
    await new Promise<void>((done) => {
      const stop = (): void => {
        void hub.close().then(done);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    return 0;
  }

  // Ids become folder names and workspace ids: refuse bad ones before anything is opened or written.
  if (v.id !== undefined) checkId(cmd === 'course' ? 'course' : cmd === 'assignment' ? 'assignment' : 'person', v.id);
  if (v.course !== undefined) checkId('course', v.course);
  if (v.person !== undefined) checkId('person', v.person);

  const store = await openStore({ dataDir, databaseUrl });
  try {
    const blobs = new BlobStore(join(dataDir, 'blobs'));
    const tokens = new TokenService(store, () => new Date());
    const out = (line: string): void => void process.stdout.write(line + '\n');
    switch (`${cmd} ${sub ?? ''}`.trim()) {
      case 'course create': {
        if (v.from) {
          const setup = await setUpCourseFolder(store, blobs, graderSpecResolver(), resolve(v.from), new Date());
          out(`course ${setup.courseId} (${setup.title}) with ${plural(setup.assignments.length, 'assignment')}`);
          for (const a of setup.assignments) {
            out(`  ${a.id}: ${a.title}, due ${a.dueAt ?? 'never'}, ${plural(a.hiddenTests, 'hidden test')}`);
            for (const w of a.warnings) out(`    warning: ${w}`);
          }
        } else {
          const id = need(v.id, 'id');
          const created = await store.courses.upsert({ id, title: need(v.title, 'title') });
          out(`${created ? 'created' : 'updated'} course ${id}`);
        }
        return 0;
      }
      case 'course idle': {
        const course = need(v.course, 'course');
        if (!(await store.courses.get(course))) throw new UsageError(`no course ${course}`);
        const text = need(v['idle-stop'], 'idle-stop');
        const ms = text === 'default' ? null : durationSetting(text, '--idle-stop', undefined, '');
        await store.courses.setIdleStopSeconds(course, ms === null || ms === undefined ? null : Math.max(1, Math.round(ms / 1000)));
        out(ms === null || ms === undefined ? `course ${course}: workspaces follow the hub's idle time` : `course ${course}: workspaces stop after ${formatIdle(ms)} idle`);
        return 0;
      }
      case 'course late-days': {
        const course = need(v.course, 'course');
        if (!(await store.courses.get(course))) throw new UsageError(`no course ${course}`);
        const text = need(v.days, 'days');
        const days = text === 'none' ? null : Number(text);
        if (days !== null && !(Number.isInteger(days) && days >= 0 && days <= MAX_LATE_DAYS)) throw new UsageError(`--days takes a whole number from 0 to ${MAX_LATE_DAYS}, or none`);
        await store.lateDays.setCourseDays(course, days);
        const judged = await store.transaction((tx) => reviewLateness(tx, course));
        out(days ? `course ${course}: every student has ${days} late day${days === 1 ? '' : 's'}` : `course ${course}: no late days`);
        if (judged.length) out(`late penalty judged again for ${plural(judged.length, 'submission')} already handed in`);
        return 0;
      }
      case 'assignment add': {
        const folder = resolve(need(v.folder, 'folder'));
        const loaded = await addAssignmentFolder(store, blobs, graderSpecResolver(), need(v.course, 'course'), folder, v.id ?? basename(folder), new Date());
        out(`assignment ${loaded.id}: ${loaded.title}, due ${loaded.dueAt ?? 'never'}, ${plural(loaded.hiddenTests, 'hidden test')}`);
        out(`students receive: ${[...loaded.starterFiles.map((f) => f.path), ASSIGNMENT_FILE_PATH, ...loaded.publicFiles.map((f) => `.classpod/${f.path}`)].join(', ')}`);
        for (const w of loaded.warnings) out(`warning: ${w}`);
        return 0;
      }
      case 'groups save': {
        const course = need(v.course, 'course');
        const assignmentId = checkId('assignment', need(v.assignment, 'assignment'));
        const groupId = need(v.group, 'group');
        if (!isSlugId(groupId) || groupId.length > MAX_GROUP_ID_LENGTH) throw new UsageError(`--group \`${groupId}\` is not a group id: 1 to ${MAX_GROUP_ID_LENGTH} lowercase letters and digits, with single hyphens inside`);
        const members = need(v.members, 'members').split(',').map((m) => m.trim()).filter(Boolean);
        for (const m of members) checkId('person', m);
        const { group, created } = await saveGroup(store, store.rosters, { courseId: course, assignmentId, groupId, members, by: 'operator' });
        await store.audit.add({ actorId: 'operator', action: created ? 'group.create' : 'group.update', courseId: course, target: `${assignmentId}/${groupId}`, detail: JSON.stringify({ members: group.members }) });
        // The members charged for a group's late work are its members as it stands (deadlines/late-days.ts).
        await store.transaction((tx) => reviewLateness(tx, course));
        out(`${created ? 'created' : 'updated'} group ${groupId} of ${assignmentId}: ${group.members.join(', ')} (workspace ${course}--${groupOwnerId(assignmentId, groupId)})`);
        return 0;
      }
      case 'groups list': {
        const course = need(v.course, 'course');
        for (const g of await store.groups.list(course, v.assignment)) out(`${g.assignmentId}/${g.id}: ${g.members.join(', ')}`);
        return 0;
      }
      case 'people add': {
        const id = need(v.id, 'id');
        const name = need(v.name, 'name');
        let issuer: string | undefined;
        if (v['oidc-subject'] !== undefined) {
          issuer = v['oidc-issuer'] ?? (v['oidc-config'] !== undefined ? oidcOptionsFromFile(v['oidc-config']) : env.oidc)?.issuer;
          if (!issuer) throw new UsageError('--oidc-subject needs --oidc-issuer URL (or --oidc-config FILE naming the issuer)');
          const linked = await store.signIns.personOf(issuer, v['oidc-subject']);
          if (linked && linked !== id) throw new UsageError(`the account ${v['oidc-subject']} at ${issuer} is already ${linked}`);
          if (linked) issuer = undefined;
        }
        if (v.course) {
          const role = (v.role ?? 'student') as Role;
          if (!['professor', 'assistant', 'student'].includes(role)) throw new UsageError(`--role must be professor, assistant or student`);
          if (!(await store.courses.get(v.course))) throw new UsageError(`no course ${v.course}`);
          const had = await store.courses.roleIn(v.course, id);
          let section: string | undefined;
          try {
            section = v.section !== undefined ? sectionCell(v.section, role, id, '--section: ') || undefined : undefined;
          } catch (err) {
            if (err instanceof RosterCsvError) throw new UsageError(err.message);
            throw err;
          }
          await enrolPerson(store, v.course, { id, name, email: v.email }, role, v.admin ?? false);
          if (section) {
            // Through the roster, as an import would place them (and audit-logged the same way).
            await store.rosters.update(v.course, 'operator', true, async () => ({
              result: undefined,
              writes: { create: [], enrol: [{ personId: id, role, section }], withdraw: [], audit: [{ action: 'section.change', target: id, detail: { to: section, source: 'cli' } }] },
            }));
          }
          if (had !== role) {
            await store.audit.add({ actorId: 'operator', action: 'role.change', courseId: v.course, target: id, detail: JSON.stringify({ from: had ?? null, to: role, source: 'cli' }) });
          }
          out(`${id} is a ${role} of ${v.course}${section ? `, section ${section.replace(/;/g, ', ')}` : ''}`);
        } else {
          await store.people.upsert({ id: checkId('person', id), name, email: v.email, admin: v.admin ?? false });
          out(`added ${id}`);
        }
        if (issuer && v['oidc-subject'] !== undefined) {
          await store.signIns.link({ issuer, subject: v['oidc-subject'], personId: id });
          out(`${id} signs in as ${v['oidc-subject']} at ${issuer}`);
        }
        return 0;
      }
      case 'students import': {
        const course = need(v.course, 'course');
        if (!(await store.courses.get(course))) throw new UsageError(`no course ${course}`);
        const rows = parseStudentCsv(await readFile(need(v.csv, 'csv'), 'utf8'));
        for (const r of rows) await enrolPerson(store, course, r, 'student');
        out(`imported ${plural(rows.length, 'student')} into ${course}`);
        return 0;
      }
      case 'roster import': {
        const course = need(v.course, 'course');
        if (!(await store.courses.get(course))) throw new UsageError(`no course ${course}`);
        const csv = await readFile(need(v.csv, 'csv'), 'utf8');
        const result = await importRoster(store.rosters, course, csv, { actorId: 'operator', apply: v.apply ?? false, source: 'cli' });
        for (const line of describeRosterImport(result)) out(line);
        if (!result.applied) out('nothing changed yet: run again with --apply to make these changes');
        return 0;
      }
      case 'roster export': {
        const course = need(v.course, 'course');
        if (!(await store.courses.get(course))) throw new UsageError(`no course ${course}`);
        const csv = await exportRoster(store.rosters, course);
        if (v.out) {
          await writeFile(v.out, csv);
          out(`roster of ${course} written to ${v.out}`);
        } else process.stdout.write(csv);
        return 0;
      }
      case 'roster withdraw': {
        const course = need(v.course, 'course');
        const person = need(v.person, 'person');
        const withdrawn = await withdrawStudent(store.rosters, course, person, 'operator');
        out(withdrawn ? `${person} is withdrawn from ${course}; their submissions and grades are kept` : `${person} was already withdrawn from ${course}`);
        return 0;
      }
      case 'invites create': {
        const course = need(v.course, 'course');
        if (!(await store.courses.get(course))) throw new UsageError(`no course ${course}`);
        const now = new Date();
        const expiresAt = parseInstant(`+${(v.expires ?? '14d').replace(/^\+/, '')}`, now);
        if (!expiresAt) throw new UsageError(`--expires \`${v.expires}\` is not a duration like 14d`);
        if (expiresAt.getTime() <= now.getTime()) throw new UsageError('--expires must be a duration into the future');
        if (expiresAt.getTime() - now.getTime() > MAX_INVITE_DAYS * 86_400_000) throw new UsageError(`an invite may live at most ${MAX_INVITE_DAYS} days`);
        let maxUses: number | undefined;
        if (v['max-uses'] !== undefined) {
          maxUses = Number(v['max-uses']);
          if (!/^\d+$/.test(v['max-uses']) || maxUses < 1 || maxUses > 100_000) throw new UsageError(`--max-uses must be a whole number from 1 to 100000, not ${v['max-uses']}`);
        }
        if (v.section !== undefined && !isSlugId(v.section)) throw new UsageError(`--section ${JSON.stringify(v.section)} is not a section id (lowercase letters, digits and single hyphens)`);
        const code = newInviteCode();
        const invite = await store.invites.create({
          courseId: course,
          codeHash: inviteCodeHash(code),
          role: 'student',
          ...(v.section !== undefined ? { section: v.section } : {}),
          expiresAt: expiresAt.toISOString(),
          ...(maxUses !== undefined ? { maxUses } : {}),
          createdBy: 'operator',
        });
        out(`invite ${invite.id} to ${course}${invite.section ? `, section ${invite.section}` : ''}: students, until ${invite.expiresAt}${maxUses ? `, at most ${plural(maxUses, 'use')}` : ''}`);
        out(`code: ${code}   (shown once: give it to the students; they run "Classpod: Join Course")`);
        const publicUrl = v['public-url'] ?? env.publicUrl;
        if (publicUrl) out(`link: ${publicUrl.replace(/\/+$/, '')}/v1/join/${code}`);
        return 0;
      }
      case 'invites list': {
        const course = need(v.course, 'course');
        if (!(await store.courses.get(course))) throw new UsageError(`no course ${course}`);
        const invites = await store.invites.list(course);
        if (invites.length === 0) out(`no invites for ${course}`);
        const now = new Date().toISOString();
        for (const i of invites.map((x) => inviteSummary(x, now))) {
          out(`${i.id}  ${i.state.padEnd(7)}  ${i.uses}${i.maxUses !== undefined ? `/${i.maxUses}` : ''} used  until ${i.expiresAt}${i.section ? `  section ${i.section}` : ''}  by ${i.createdBy}`);
        }
        return 0;
      }
      case 'invites revoke': {
        const course = need(v.course, 'course');
        const id = need(arg, 'INVITE_ID');
        const existing = await store.invites.get(course, id);
        if (!existing) throw new UsageError(`no invite ${id} in course ${course}`);
        if (!(await store.invites.revoke(course, id, 'operator'))) {
          out(`invite ${id} was already revoked`);
          return 0;
        }
        out(`revoked invite ${id}; the ${plural(existing.uses, 'student')} who joined with it stay enrolled`);
        return 0;
      }
      case 'tokens issue': {
        const expiresAt = v.expires ? parseInstant(v.expires.startsWith('+') ? v.expires : `+${v.expires}`, new Date()) : undefined;
        if (v.expires && !expiresAt) throw new UsageError(`--expires \`${v.expires}\` is not a duration like 90d`);
        if (v.grader) {
          const { token, record } = await tokens.issue({ scopes: ['grader'], label: v.label ?? 'grading worker', expiresAt });
          out(`token ${record.id} (grader): ${token}`);
        } else {
          const person = need(v.person, 'person');
          if (!(await store.people.get(person))) throw new UsageError(`no person ${person}`);
          const scope = (v.scope ?? 'hub') as TokenScope;
          if (!TOKEN_SCOPES.includes(scope)) throw new UsageError(`--scope must be one of ${TOKEN_SCOPES.join(', ')}`);
          const { token, record } = await tokens.issue({ personId: person, scopes: [scope], label: v.label, expiresAt });
          out(`token ${record.id} for ${person} (${scope}): ${token}`);
        }
        return 0;
      }
      case 'tokens revoke': {
        const id = need(arg, 'TOKEN_ID');
        if (!(await store.tokens.revoke(id))) throw new UsageError(`no live token ${id}`);
        out(`revoked ${id}`);
        return 0;
      }
      case 'tokens list': {
        for (const t of await store.tokens.list(v.person)) {
          out(`${t.id}  ${t.personId ?? '(service)'}  ${t.scopes.join(',')}  created ${t.createdAt}${t.expiresAt ? `  expires ${t.expiresAt}` : ''}${t.revokedAt ? `  REVOKED ${t.revokedAt}` : ''}${t.label ? `  ${t.label}` : ''}`);
        }
        return 0;
      }
      case 'record export': {
        const file = await exportGradeRecord(store, blobs, need(v.submission, 'submission'), v.record);
        const text = JSON.stringify(file, null, 2) + '\n';
        if (v.out) {
          await writeFile(v.out, text);
          out(`grade record ${file.recordId} of submission ${file.submissionId} (${file.official ? 'official' : 'NOT official'}) written to ${v.out}`);
        } else process.stdout.write(text);
        return 0;
      }
      case 'status': {
        const jobs = await store.jobs.counts();
        out(`database: ${databaseUrl ? 'postgres' : join(dataDir, 'hub.sqlite')}`);
        out(`grading jobs: ${jobs.queued} queued, ${jobs.leased} being graded, ${jobs.done} done`);
        for (const c of await store.courses.list()) {
          const members = await store.courses.members(c.id);
          const assignments = await store.assignments.list(c.id);
          const subs = await store.submissions.list({ courseId: c.id });
          out(`course ${c.id} (${c.title}): ${members.filter((m) => m.role === 'student').length} students, ${members.filter((m) => m.role !== 'student').length} staff, ${assignments.length} assignments, ${subs.length} submissions`);
          for (const a of assignments) out(`  ${a.id}: due ${a.dueAt ?? 'never'}, ${plural(subs.filter((s) => s.assignmentId === a.id).length, 'submission')}`);
        }
        return 0;
      }
      default:
        throw new UsageError(`unknown command \`${positionals.join(' ')}\``);
    }
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const known =
      err instanceof UsageError ||
      err instanceof HubConfigError ||
      err instanceof InvalidId ||
      err instanceof CourseSetupError ||
      err instanceof RosterCsvError ||
      err instanceof AssignmentFolderError ||
      err instanceof FolderError ||
      err instanceof GradeRecordExportError ||
      ProtocolError.is(err, 'InvalidParams') ||
      ProtocolError.is(err, 'Conflict') ||
      ProtocolError.is(err, 'NotFound') ||
      String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_');
    process.stderr.write(`classpod-hub: ${known ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`);
    if (err instanceof UsageError) process.stderr.write('run `classpod-hub --help` for usage\n');
    process.exitCode = known ? 2 : 1;
  },
);
