// The Testing view: each assignment folder open here with its public tests,
// and three run profiles — this machine, in the workspace, graded by the
// course server. Failures show the grader's message and, for public tests, an
// expected-versus-actual diff.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../log';
import type { Walkthrough } from './walkthrough';
import {
  loadPublicSpec,
  outcomeOf,
  outcomesOf,
  PUBLIC_SPEC_PATH,
  publicTests,
  summaryLine,
  type TestOutcomeView,
} from '../testing/public-tests';
import { isPassed, testLine } from '../results/result-text';
import { specTestLocations } from '../testing/spec-locations';
import { RunCancelled, type RunnerKind, type TestRunner } from '../testing/test-runners';
import type { ActiveAssignment, AssignmentFolders } from './assignment-folders';
import { setContext } from './context-keys';

/** `testMessage` context value of a graded test's failure message (the manifest's menus match it). */
export const GRADED_MESSAGE = 'classpod.graded';

/** The course, assignment and test a Testing view item id (`course/assignment::group/name`) names. */
export function parseTestItemId(id: string): { courseId: string; assignmentId: string; group: string; name: string } | undefined {
  const m = /^([^/]+)\/([^:]+)::([^/]+)\/(.+)$/.exec(id);
  return m ? { courseId: m[1]!, assignmentId: m[2]!, group: m[3]!, name: m[4]! } : undefined;
}

/** What the last run of each kind found, for tests of the extension itself. */
export interface RecordedRun {
  kind: RunnerKind;
  assignment: string;
  outcomes: TestOutcomeView[];
  summary: string;
  /** Hidden tests (server runs only): passed and total. */
  hidden?: { passed: number; total: number };
  /** Every test's line as the run's output shows it. */
  lines: string[];
}

export class ClasspodTesting implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('classpod', 'Classpod');
  private readonly disposables: vscode.Disposable[] = [this.controller];
  private readonly byRoot = new Map<string, ActiveAssignment>();
  /** Most recent run per kind. */
  readonly lastRuns = new Map<RunnerKind, RecordedRun>();
  /** The failure message of each test item that failed in its last run (Raise Hand attaches it). */
  readonly lastFailures = new Map<string, string>();

  constructor(
    private readonly folders: AssignmentFolders,
    runners: readonly TestRunner[],
    private readonly logger: Logger,
    private readonly walkthrough: Walkthrough,
  ) {
    this.controller.refreshHandler = () => this.refresh();
    runners.forEach((runner, i) => {
      this.disposables.push(
        this.controller.createRunProfile(runner.label, vscode.TestRunProfileKind.Run, (request, token) => this.execute(runner, request, token), i === 0),
      );
    });
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${PUBLIC_SPEC_PATH}`);
    this.disposables.push(watcher, watcher.onDidChange(() => this.refresh()), watcher.onDidCreate(() => this.refresh()), watcher.onDidDelete(() => this.refresh()));
    this.disposables.push(folders.onDidChange(() => this.refresh()));
  }

  /** Rebuild the test tree from the assignment folders and their public specifications. */
  async refresh(): Promise<void> {
    const roots: vscode.TestItem[] = [];
    this.byRoot.clear();
    for (const active of this.folders.list()) {
      const id = `${active.marker.courseId}/${active.marker.id}`;
      const root = this.controller.createTestItem(id, active.marker.title ?? active.marker.id, vscode.Uri.file(active.folder));
      this.byRoot.set(id, active);
      try {
        const spec = await loadPublicSpec(active.folder);
        if (!spec) {
          root.error = 'No public tests yet (.classpod/tests/spec.json arrives with the first sync).';
        } else {
          const specUri = vscode.Uri.file(path.join(active.folder, PUBLIC_SPEC_PATH));
          // Each test at its own lines of the file, for Go to Test and the inline failure message.
          const where = specTestLocations(await fs.readFile(specUri.fsPath, 'utf8').catch(() => ''));
          for (const t of publicTests(spec)) {
            const item = this.controller.createTestItem(`${id}::${t.id}`, t.name, specUri);
            item.description = t.group;
            const at = where.get(t.id);
            if (at) item.range = new vscode.Range(at.line, 0, at.endLine, 0);
            root.children.add(item);
          }
          if (spec.hidden && spec.hidden.tests > 0) root.description = `+ ${spec.hidden.tests} hidden test${spec.hidden.tests === 1 ? '' : 's'} on the grader`;
        }
      } catch (err) {
        root.error = `The public test specification cannot be read: ${(err as Error).message}`;
      }
      roots.push(root);
    }
    this.controller.items.replace(roots);
  }

  /** Run every assignment's tests with one runner (what a profile does for "Run All"). */
  async runAll(kind: RunnerKind, runners: readonly TestRunner[]): Promise<RecordedRun | undefined> {
    const runner = runners.find((r) => r.kind === kind);
    if (!runner) return undefined;
    await this.refresh();
    const source = new vscode.CancellationTokenSource();
    try {
      await this.execute(runner, new vscode.TestRunRequest(), source.token);
    } finally {
      source.dispose();
    }
    return this.lastRuns.get(kind);
  }

  /** Show a rerun of one test as a run of its item: passed or failed as the rerun was, with the comparison. */
  showRerun(itemId: string, passed: boolean, lines: readonly string[], durationMs?: number): void {
    const rootId = itemId.split('::')[0]!;
    const item = this.controller.items.get(rootId)?.children.get(itemId);
    if (!item) return;
    const run = this.controller.createTestRun(new vscode.TestRunRequest([item]), 'Rerun like the grader', false);
    try {
      run.started(item);
      run.appendOutput(`${lines.join('\r\n')}\r\n`, undefined, item);
      if (passed) run.passed(item, durationMs);
      else run.failed(item, new vscode.TestMessage(lines.join('\n')), durationMs);
    } finally {
      run.end();
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private async execute(runner: TestRunner, request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const rootIds = new Set<string>();
    if (request.include?.length) for (const item of request.include) rootIds.add(item.id.split('::')[0]!);
    else this.controller.items.forEach((item) => rootIds.add(item.id));
    const run = this.controller.createTestRun(request, `${runner.label}`, true);
    try {
      for (const rootId of rootIds) {
        if (token.isCancellationRequested) break;
        const active = this.byRoot.get(rootId);
        const root = this.controller.items.get(rootId);
        if (!active || !root) continue;
        await this.runAssignment(runner, run, active, root, token);
      }
    } finally {
      run.end();
      // The walkthrough's "Run the public tests" step is done once tests ran, whichever way.
      void setContext('classpod.testsRan', true);
      this.walkthrough.done('tests');
    }
  }

  private async runAssignment(runner: TestRunner, run: vscode.TestRun, active: ActiveAssignment, root: vscode.TestItem, token: vscode.CancellationToken): Promise<void> {
    const spec = await loadPublicSpec(active.folder);
    if (!spec) {
      run.appendOutput(`No public tests in ${active.folder} yet.\r\n`);
      return;
    }
    const tests = publicTests(spec);
    const items = new Map<string, vscode.TestItem>();
    root.children.forEach((c) => items.set(c.id.split('::')[1]!, c));
    for (const item of items.values()) run.started(item);
    const applied = new Set<string>();
    const apply = (o: TestOutcomeView): void => {
      const item = items.get(o.id);
      if (!item || applied.has(o.id)) return;
      applied.add(o.id);
      if (o.passed || o.skipped) this.lastFailures.delete(item.id);
      else this.lastFailures.set(item.id, o.expected !== undefined && o.actual !== undefined ? `${o.message}\n--- expected\n${o.expected}\n--- actual\n${o.actual}` : o.message);
      if (o.skipped) run.skipped(item);
      else if (o.passed) run.passed(item, o.durationMs);
      else {
        // Beside the test's own lines: one readable line (VS Code would show a diff message there as "expected != actual").
        const inline = new vscode.TestMessage(o.inline);
        inline.location = new vscode.Location(item.uri ?? vscode.Uri.file(path.join(active.folder, PUBLIC_SPEC_PATH)), item.range ?? new vscode.Position(0, 0));
        const messages = [inline];
        // The whole message, with the expected-versus-actual diff to open from the Test Results view.
        if (o.expected !== undefined && o.actual !== undefined) messages.push(vscode.TestMessage.diff(o.message, o.expected, o.actual));
        else inline.message = o.message;
        // A graded test's message offers "Rerun Like the Grader" in the Test Results view.
        // Every failure offers "Raise Hand" with it attached.
        for (const m of messages) m.contextValue = runner.kind === 'server' ? GRADED_MESSAGE : 'classpod.failure';
        run.failed(item, messages, o.durationMs);
      }
      run.appendOutput(`${o.mark} ${o.id}: ${o.message.split('\n')[0]}\r\n`, undefined, item);
    };
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    const label = active.marker.title ?? active.marker.id;
    run.appendOutput(`${label} — ${runner.label}\r\n`);
    try {
      const result = await runner.run({
        folder: active.folder,
        courseId: active.marker.courseId,
        assignmentId: active.marker.id,
        spec,
        signal: abort.signal,
        onTest: (r) => {
          if (r.public) apply(outcomeOf(r));
        },
      });
      const outcomes = outcomesOf(result, tests);
      outcomes.forEach(apply);
      const hiddenResults = result.tests.filter((t) => !t.public);
      const hidden = hiddenResults.length > 0 ? { passed: hiddenResults.filter(isPassed).length, total: hiddenResults.length } : undefined;
      const summary = summaryLine(result);
      run.appendOutput(`${summary}\r\n`);
      if (hidden) {
        run.appendOutput(`Hidden tests: ${hidden.passed} of ${hidden.total} pass. Total score ${result.score}/${result.maxScore}.\r\n`);
        for (const t of hiddenResults) run.appendOutput(`  ${testLine(t, result.hiddenTests)}\r\n`);
      }
      const lines = result.tests.map((t) => testLine(t, result.hiddenTests));
      this.lastRuns.set(runner.kind, { kind: runner.kind, assignment: root.id, outcomes, summary, lines, ...(hidden ? { hidden } : {}) });
      this.logger.info('tests ran', { runner: runner.kind, assignment: root.id, summary });
    } catch (err) {
      if (err instanceof RunCancelled || abort.signal.aborted) {
        for (const item of items.values()) if (!applied.has(item.id.split('::')[1]!)) run.skipped(item);
        return;
      }
      const message = new vscode.TestMessage(`${runner.label}: ${(err as Error).message}`);
      for (const item of items.values()) if (!applied.has(item.id.split('::')[1]!)) run.errored(item, message);
      run.appendOutput(`The run failed: ${(err as Error).message}\r\n`);
      this.logger.warn('test run failed', { runner: runner.kind, err });
    } finally {
      cancel.dispose();
    }
  }
}
