// How each row of the cluster tree reads: label, a short description, a
// tooltip, an icon, and the context value the manifest's menus match. Plain
// logic, so what a professor sees is unit-tested without VS Code.

import { formatBytes, plural, type GradingResult, type SubmissionSummary, type WorkspaceInfo } from '@classpod/protocol';
import { diffLines, formatScore, isPassed, overrideText, rubricPoints, testLabel, verdictAndMessage, verdictCounts, verdictName } from '../results/result-text';
import { formatAbsolute, formatElapsed, formatRelative, relativeTextChangesAt } from '../deadlines/time-format';
import { describeFilter, isFiltering, studentWorkStates } from './class-filter';
import type { ClusterModel } from './cluster-model';
import type { ClusterNode } from './cluster-nodes';
import { versionRow } from '../versions/version-presentation';
import { presentRegradeRequest, requestAge } from './regrade-queue';
import { queueRow } from '../help/help-text';

export interface NodePresentation {
  label: string;
  description?: string;
  tooltip: string[];
  /** A codicon name. */
  icon: string;
  /** A theme colour id for the icon. */
  iconColor?: string;
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  /** When the row's relative times ("up 11 minutes", "due in 3 hours") next read differently (ms, on `now`'s clock). */
  redrawAt?: number;
}

/** The earliest instant any of these relative times changes its words. */
function redrawAt(now: Date, ...times: (Date | undefined)[]): { redrawAt?: number } {
  const at = Math.min(...times.filter((t): t is Date => t !== undefined).map((t) => relativeTextChangesAt(t, now).getTime()));
  return Number.isFinite(at) ? { redrawAt: at } : {};
}

/** "250m CPU", "2 CPU". */
export function formatCpu(millicores: number): string {
  return millicores >= 1000 && millicores % 1000 === 0 ? `${millicores / 1000} CPU` : `${Math.round(millicores)}m CPU`;
}

/** "3/4 passed · 1 Wrong answer", or what happened when grading did not finish. */
export function verdictSummary(result: GradingResult): string {
  if (result.status === 'queued') return 'queued';
  if (result.status === 'grading') return 'grading…';
  if (result.status === 'failed') return `grading failed${result.error ? `: ${result.error}` : ''}`;
  const tests = result.tests;
  if (tests.length === 0) return result.compile && result.compile.status !== 'OK' ? 'build failed' : 'no tests';
  return verdictCounts(tests);
}

/** The score a submission shows: "7/10", "7/10 (rubric +2)", "7/10 (overridden)", or its grading status. */
export function submissionScore(s: SubmissionSummary): string {
  if (s.status !== 'graded' && s.override === undefined) return s.status === 'failed' ? 'grading failed' : s.status;
  if (s.score === undefined) return s.status;
  if (s.override) return `${formatScore(s.score, s.maxScore)} (overridden)`;
  return `${formatScore(s.score, s.maxScore)}${s.rubricPoints !== undefined ? ` (rubric ${rubricPoints(s.rubricPoints)})` : ''}`;
}

function workspaceIcon(w: WorkspaceInfo): { icon: string; color?: string } {
  switch (w.state) {
    case 'running':
      return { icon: 'vm-running', color: 'charts.green' };
    case 'starting':
    case 'stopping':
      return { icon: 'loading~spin' };
    case 'failed':
      return { icon: 'error', color: 'charts.red' };
    default:
      return { icon: 'vm-outline' };
  }
}

/** What one row shows, at `now` (the hub's clock). */
export function presentNode(model: ClusterModel, node: ClusterNode, now: Date): NodePresentation {
  switch (node.kind) {
    case 'cluster': {
      const { info, error } = model.cache.clusterInfo();
      const ready = info?.nodes.filter((n) => n.ready).length ?? 0;
      return {
        label: 'Cluster',
        description: info ? `${info.provider} · ${plural(info.nodes.length, 'node')}${ready < info.nodes.length ? `, ${ready} ready` : ''}` : error ? 'not available' : undefined,
        tooltip: info ? [`Provider: ${info.provider}`, `${plural(info.nodes.length, 'machine')} ${info.nodes.length === 1 ? 'runs' : 'run'} workspaces`] : [error ?? 'Cluster'],
        icon: 'server-environment',
        contextValue: 'cluster',
        collapsible: info && info.nodes.length > 0 ? 'collapsed' : 'none',
      };
    }
    case 'machine': {
      const m = model.cache.machine(node.name);
      const parts: string[] = [];
      if (m) {
        parts.push(m.ready ? 'ready' : 'not ready', plural(m.workspaces, 'workspace'));
        if (m.cpuAllocatableMillicores !== undefined || m.cpuCapacityMillicores !== undefined) {
          parts.push(`${formatCpu(m.cpuAllocatableMillicores ?? m.cpuCapacityMillicores ?? 0)}`);
        }
        if (m.memoryAllocatableBytes !== undefined || m.memoryCapacityBytes !== undefined) {
          parts.push(formatBytes(m.memoryAllocatableBytes ?? m.memoryCapacityBytes ?? 0));
        }
      }
      const tooltip = [node.name];
      if (m?.cpuCapacityMillicores !== undefined) tooltip.push(`CPU: ${formatCpu(m.cpuAllocatableMillicores ?? m.cpuCapacityMillicores)} allocatable of ${formatCpu(m.cpuCapacityMillicores)}`);
      if (m?.memoryCapacityBytes !== undefined) tooltip.push(`Memory: ${formatBytes(m.memoryAllocatableBytes ?? m.memoryCapacityBytes)} allocatable of ${formatBytes(m.memoryCapacityBytes)}`);
      if (m) tooltip.push(`${plural(m.workspaces, 'workspace')} on it`);
      return { label: node.name, description: parts.join(' · '), tooltip, icon: m?.ready === false ? 'warning' : 'server', contextValue: 'machine', collapsible: 'none' };
    }
    case 'course': {
      const c = model.cache.course(node.courseId);
      return {
        label: c?.title ?? node.courseId,
        description: c ? `${c.role} · ${plural(c.students, 'student')}` : undefined,
        tooltip: [`${c?.title ?? node.courseId} (${node.courseId})`, c ? `You are ${c.role === 'assistant' ? 'an assistant' : 'a professor'} of this course.` : ''],
        icon: 'mortar-board',
        contextValue: `course.${c?.role ?? 'staff'}`,
        collapsible: 'expanded',
      };
    }
    case 'helpQueue': {
      const waiting = model.cache.help.waiting(node.courseId);
      const helping = (model.cache.help.list(node.courseId)?.length ?? 0) - (waiting ?? 0);
      return {
        label: waiting === undefined ? 'Help Queue' : `Help Queue (${waiting})`,
        description: waiting === undefined ? undefined : helping > 0 ? `${helping} being helped` : waiting === 0 ? 'no hand raised' : undefined,
        tooltip: ['Students who raised a hand, their section first, then oldest first'],
        icon: 'question',
        iconColor: waiting ? 'charts.orange' : undefined,
        contextValue: 'helpQueue',
        collapsible: 'expanded',
      };
    }
    case 'helpRequest': {
      const r = model.cache.help.find(node.requestId);
      if (!r) return { label: node.requestId, tooltip: ['This request is closed.'], icon: 'circle-slash', contextValue: 'helpRequest.closed', collapsible: 'none' };
      const row = queueRow(r, now);
      return {
        ...row,
        icon: r.state === 'helping' ? 'eye' : 'person',
        iconColor: r.state === 'helping' ? 'charts.blue' : 'charts.orange',
        contextValue: `helpRequest.${r.state}`,
        collapsible: 'none',
      };
    }
    case 'workspaces': {
      const list = model.cache.workspaceList(node.courseId);
      const running = list?.filter((w) => w.state === 'running').length;
      const filter = model.filter;
      return {
        label: 'Workspaces',
        description: [list ? `${running} running of ${list.length}` : undefined, isFiltering(filter) ? `filtered: ${describeFilter(filter)}` : undefined].filter(Boolean).join(' · ') || undefined,
        tooltip: ["Every student's workspace in this course"],
        icon: 'vm',
        contextValue: 'workspaces',
        collapsible: 'collapsed',
      };
    }
    case 'workspace': {
      const w = model.cache.workspace(node.courseId, node.studentId);
      if (!w) return { label: node.studentId, tooltip: [node.studentId], icon: 'vm-outline', contextValue: 'workspace', collapsible: 'none' };
      const parts: string[] = [w.state === 'failed' && w.reason ? `failed: ${w.reason}` : w.state];
      if (w.node) parts.push(w.node);
      if (w.state === 'running' && w.startedAt) parts.push(`up ${formatElapsed(new Date(w.startedAt), now)}`);
      if (w.cpuMillicores !== undefined) parts.push(formatCpu(w.cpuMillicores));
      if (w.memoryBytes !== undefined) parts.push(formatBytes(w.memoryBytes));
      const icon = workspaceIcon(w);
      const tooltip = [`${w.studentName ?? w.studentId} (${w.studentId})`, `State: ${w.state}${w.reason ? ` — ${w.reason}` : ''}`];
      if (w.node) tooltip.push(`Node: ${w.node}`);
      if (w.startedAt) tooltip.push(`Started: ${formatAbsolute(new Date(w.startedAt))}`);
      return {
        label: w.studentName ?? w.studentId,
        description: parts.join(' · '),
        tooltip,
        icon: icon.icon,
        ...(icon.color ? { iconColor: icon.color } : {}),
        contextValue: `workspace.${w.state}`,
        collapsible: 'none',
        ...redrawAt(now, w.state === 'running' && w.startedAt ? new Date(w.startedAt) : undefined),
      };
    }
    case 'assignments':
      return { label: 'Assignments', tooltip: ['Assignments of this course'], icon: 'checklist', contextValue: 'assignments', collapsible: 'collapsed' };
    case 'assignment': {
      const a = model.cache.assignment(node.courseId, node.assignmentId);
      const subs = model.cache.assignmentSubmissions(node.courseId, node.assignmentId);
      const parts: string[] = [];
      if (a?.dueAt) parts.push(`due ${formatRelative(new Date(a.dueAt), now)}`);
      if (subs) {
        const students = model.cache.students(node.courseId)?.length ?? subs.size;
        parts.push(`${subs.size}/${students} submitted`);
      }
      if (isFiltering(model.filter) && subs) parts.push(`filtered: ${describeFilter(model.filter)}`);
      const tooltip = [`${a?.title ?? node.assignmentId} (${node.assignmentId})`];
      if (a?.dueAt) tooltip.push(`Due ${formatAbsolute(new Date(a.dueAt))}`);
      if (a?.maxScore !== undefined) tooltip.push(`Maximum score ${a.maxScore}`);
      return { label: a?.title ?? node.assignmentId, description: parts.join(' · '), tooltip, icon: 'book', contextValue: 'assignment', collapsible: 'collapsed', ...redrawAt(now, a?.dueAt ? new Date(a.dueAt) : undefined) };
    }
    case 'student': {
      const subs = model.cache.studentSubmissions(node.courseId, node.assignmentId, node.studentId);
      const latest = subs[0];
      const states = studentWorkStates(subs);
      const name = model.cache.studentName(node.courseId, node.studentId);
      const parts = latest ? [submissionScore(latest), ...(latest.late ? ['late'] : []), plural(subs.length, 'submission')] : ['not submitted'];
      return {
        label: name,
        description: parts.join(' · '),
        tooltip: [`${name} (${node.studentId})`, `State: ${states.join(', ')}`],
        icon: !latest ? 'circle-large-outline' : states.includes('failed') ? 'error' : states.includes('graded') ? 'pass' : 'sync',
        ...(latest?.late ? { iconColor: 'charts.orange' } : states.includes('graded') ? { iconColor: 'charts.green' } : {}),
        contextValue: latest ? 'student.submitted' : 'student',
        // Even without a submission, the student's recorded versions are there.
        collapsible: 'collapsed',
      };
    }
    case 'submission': {
      const s = model.cache.submission(node.submissionId);
      const r = model.cache.result(node.submissionId);
      if (!s) return { label: node.submissionId, tooltip: [node.submissionId], icon: 'archive', contextValue: 'submission', collapsible: 'collapsed' };
      const at = new Date(s.submittedAt);
      const parts = [formatRelative(at, now)];
      if (s.late) parts.push(`late −${s.penaltyPercent}%`);
      parts.push(submissionScore(s));
      if (r && r.status === 'graded') parts.push(verdictSummary(r));
      const regraded = model.cache.wasRegraded(s.id);
      if (regraded && s.status === 'graded') parts.push('regraded');
      const tooltip = [
        `Submission ${s.id} (${s.source === 'collected' ? 'collected at the deadline' : 'submitted'})`,
        `At ${formatAbsolute(at)}`,
        `Snapshot ${s.snapshotHash.slice(0, 12)} · ${plural(s.fileCount, 'file')}, ${formatBytes(s.totalBytes)}`,
      ];
      if (regraded) tooltip.push(s.status === 'graded' || s.status === 'failed' ? 'Regraded since this view opened' : 'Being regraded');
      if (s.override) tooltip.push(overrideText(s.override, s.maxScore, model.cache.studentName(s.courseId, s.override.authorId)));
      return {
        label: formatAbsolute(at).replace(/ \(.*\)$/, ''),
        description: parts.join(' · '),
        tooltip,
        icon: s.status === 'graded' ? 'pass' : s.status === 'failed' ? 'error' : 'loading~spin',
        ...(s.late ? { iconColor: 'charts.orange' } : {}),
        contextValue: 'submission',
        collapsible: 'collapsed',
        ...redrawAt(now, at),
      };
    }
    case 'results': {
      const r = model.cache.result(node.submissionId);
      const tooltip = r ? [verdictSummary(r)] : ['Per-test results'];
      if (r?.provenance) tooltip.push(...Object.entries(r.provenance).map(([k, v]) => `${k}: ${v}`));
      if (r?.compile && r.compile.status !== 'OK') tooltip.push('', r.compile.output.slice(0, 2000));
      return {
        label: 'Test results',
        description: r ? verdictSummary(r) : undefined,
        tooltip,
        icon: 'beaker',
        contextValue: 'results',
        collapsible: r && r.tests.length === 0 ? 'none' : 'collapsed',
      };
    }
    case 'test': {
      const r = model.cache.result(node.submissionId);
      const t = r?.tests[node.index];
      if (!r || !t) return { label: `test ${node.index + 1}`, tooltip: [], icon: 'circle-outline', contextValue: 'test', collapsible: 'none' };
      const passed = isPassed(t);
      const parts = [verdictName(t.verdict), formatScore(t.score, t.maxScore)];
      if (t.timeMs !== undefined) parts.push(`${Math.round(t.timeMs)} ms`);
      if (t.memoryKb !== undefined && t.memoryKb > 0) parts.push(formatBytes(t.memoryKb * 1024));
      const label = testLabel(t, r.hiddenTests);
      const tooltip = [label, verdictAndMessage(t)];
      if (t.diff) tooltip.push('', ...diffLines(t.diff));
      return {
        label: t.name !== undefined ? `${t.name}${t.public ? '' : ' (hidden)'}` : label,
        description: parts.join(' · '),
        tooltip,
        icon: passed ? 'pass' : 'error',
        iconColor: passed ? 'testing.iconPassed' : 'testing.iconFailed',
        contextValue: t.public ? 'test.public' : 'test.hidden',
        collapsible: 'none',
      };
    }
    case 'file': {
      const f = model.cache.submissionFiles(node.submissionId)?.find((x) => x.path === node.path);
      return {
        label: node.path,
        ...(f ? { description: formatBytes(f.size) } : {}),
        tooltip: [node.path, ...(f ? [`${formatBytes(f.size)} · sha256 ${f.sha256.slice(0, 12)}`] : [])],
        icon: 'file',
        contextValue: 'submissionFile',
        collapsible: 'none',
      };
    }
    case 'versions':
      return {
        label: 'Versions',
        description: 'how the work got here',
        tooltip: ['Every state of the assignment folder the hub recorded after a sync that changed it, newest first (hub time)'],
        icon: 'history',
        contextValue: 'versions',
        collapsible: 'collapsed',
      };
    case 'version': {
      const entry = model.cache.versions.entry(node.versionId);
      if (!entry) return { label: node.versionId, tooltip: [node.versionId], icon: 'git-commit', contextValue: 'version', collapsible: 'collapsed' };
      const row = versionRow(entry.version, entry.changes, now);
      return { ...row, icon: 'git-commit', contextValue: 'version', collapsible: entry.changes.length > 0 ? 'collapsed' : 'none' };
    }
    case 'versionFile': {
      const change = model.cache.versions.entry(node.versionId)?.changes.find((c) => c.path === node.path);
      const word = change?.change === 'added' ? 'added' : change?.change === 'deleted' ? 'deleted' : 'changed';
      const f = change?.newer ?? change?.older;
      return {
        label: node.path,
        description: [word, f ? formatBytes(f.size) : undefined].filter(Boolean).join(' · '),
        tooltip: [node.path, `${word} in this version; open to compare with the version before`],
        icon: change?.change === 'added' ? 'diff-added' : change?.change === 'deleted' ? 'diff-removed' : 'diff-modified',
        contextValue: 'versionFile',
        collapsible: 'none',
      };
    }
    case 'regradeRequests': {
      const queue = model.cache.regradeRequests.list(node.courseId);
      return {
        label: queue ? `Regrade Requests (${queue.length})` : 'Regrade Requests',
        ...(queue && queue.length > 0 ? { description: `oldest ${requestAge(queue.reduce((a, b) => (a.at <= b.at ? a : b)).at, now)}` } : {}),
        tooltip: ["Students' open regrade requests, your section's first, then oldest first", 'Answer one to close it'],
        icon: 'comment-unresolved',
        ...(queue && queue.length > 0 ? { iconColor: 'charts.orange' } : {}),
        contextValue: 'regradeRequests',
        collapsible: 'collapsed',
      };
    }
    case 'regradeRequest': {
      const r = model.cache.regradeRequests.get(node.requestId);
      if (!r) return { label: 'answered', tooltip: ['This request was answered'], icon: 'check', contextValue: 'regradeRequestAnswered', collapsible: 'none' };
      const p = presentRegradeRequest(r, model.cache.assignment(r.courseId, r.assignmentId)?.title ?? r.assignmentId, now);
      return { ...p, icon: 'comment-draft', contextValue: 'regradeRequest', collapsible: 'none' };
    }
    case 'more':
      return { label: `Show ${node.remaining} more…`, tooltip: ['Show the next page of this list'], icon: 'ellipsis', contextValue: 'more', collapsible: 'none' };
    case 'message':
      return { label: node.text, tooltip: [node.text], icon: node.error ? 'error' : 'info', contextValue: 'message', collapsible: 'none' };
  }
}
