// The countdown to the nearest open deadline in the status bar, and the
// reminders 24 hours, 1 hour and 10 minutes before it.

import * as vscode from 'vscode';
import type { CourseCatalog } from '../courses/course-catalog';
import { handsInWork } from '../courses/assignment-presentation';
import { DeadlineWatch, systemClock, type Deadline } from '../deadlines/deadline-watch';
import { formatAbsolute, formatCountdown, formatRelative } from '../deadlines/time-format';

/** Assignments still to hand in have a deadline worth counting down to. */
const OPEN_STATES = new Set(['not started', 'in progress']);

export class DeadlineStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('classpod.deadline', vscode.StatusBarAlignment.Left, 50);
  private readonly watch: DeadlineWatch;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions: Array<{ dispose(): void }> = [];

  constructor(
    private readonly catalog: CourseCatalog,
    private readonly serverOffsetMs: () => number,
  ) {
    this.item.name = 'Classpod Deadline';
    this.item.command = 'classpod.courses.focus';
    this.watch = new DeadlineWatch(systemClock(serverOffsetMs));
    this.subscriptions.push(
      this.watch.onReminder((r) => {
        void vscode.window
          .showWarningMessage(
            `${r.deadline.title} is due ${formatRelative(r.deadline.dueAt, new Date(Date.now() + this.serverOffsetMs()))} (${formatAbsolute(r.deadline.dueAt)}).`,
            'Submit',
          )
          .then((choice) => {
            if (choice === 'Submit') void vscode.commands.executeCommand('classpod.submit', { deadlineKey: r.deadline.key });
          });
      }),
      catalog.onDidChange(() => this.update()),
    );
    this.update();
  }

  /** Re-read deadlines from the catalog. */
  update(): void {
    const deadlines: Deadline[] = [];
    for (const entry of this.catalog.courses()) {
      // A course the person teaches has no deadline of theirs to count down to.
      if (!handsInWork(entry.course.role)) continue;
      for (const a of entry.assignments) {
        if (!a.dueAt || !OPEN_STATES.has(a.state)) continue;
        deadlines.push({ key: `${a.courseId}/${a.id}`, title: `${a.title} (${entry.course.title})`, dueAt: new Date(a.dueAt) });
      }
    }
    this.watch.update(deadlines);
    this.render();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.watch.dispose();
    this.item.dispose();
  }

  private render(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const nearest = this.watch.nearest();
    if (!nearest) {
      this.item.hide();
      return;
    }
    const { deadline, remainingMs } = nearest;
    this.item.text = `$(clock) ${formatCountdown(remainingMs)}`;
    this.item.tooltip = `${deadline.title}\nDue ${formatAbsolute(deadline.dueAt)}`;
    this.item.backgroundColor = remainingMs < 3_600_000 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: `${deadline.title} due in ${formatCountdown(remainingMs)}` };
    this.item.show();
    this.timer = setTimeout(() => this.render(), DeadlineWatch.refreshDelay(remainingMs));
  }
}
