// The countdown to the nearest open deadline in the status bar, and the
// reminders 24 hours, 1 hour and 10 minutes before it.

import * as vscode from 'vscode';
import type { CourseCatalog } from '../courses/course-catalog';
import { handsInWork } from '../courses/assignment-presentation';
import type { AssignmentSummary } from '@classpod/protocol';
import { DeadlineWatch, systemClock, type Deadline } from '../deadlines/deadline-watch';
import { inLateDayWindow, lateDaysText } from '../deadlines/late-days-text';
import { formatAbsolute, formatCountdown, formatRelative } from '../deadlines/time-format';

/** Assignments still to hand in have a deadline worth counting down to. */
const OPEN_STATES = new Set(['not started', 'in progress']);

export class DeadlineStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('classpod.deadline', vscode.StatusBarAlignment.Left, 50);
  private readonly watch: DeadlineWatch;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions: Array<{ dispose(): void }> = [];
  /** The assignment behind each deadline watched, for its late days. */
  private readonly assignments = new Map<string, AssignmentSummary>();

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
    this.assignments.clear();
    const now = Date.now() + this.serverOffsetMs();
    for (const entry of this.catalog.courses()) {
      // A course the person teaches has no deadline of theirs to count down to.
      if (!handsInWork(entry.course.role)) continue;
      for (const a of entry.assignments) {
        if (!a.dueAt || !OPEN_STATES.has(a.state)) continue;
        const key = `${a.courseId}/${a.id}`;
        this.assignments.set(key, a);
        // Past the due time, late days keep it open: count down to the last moment they cover.
        const dueAt = inLateDayWindow(a, now) ? new Date(a.lateDays!.lastSubmissionAt!) : new Date(a.dueAt);
        deadlines.push({ key, title: `${a.title} (${entry.course.title})`, dueAt });
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
    const a = this.assignments.get(deadline.key);
    const now = Date.now() + this.serverOffsetMs();
    const lateDays = a ? lateDaysText(a, now, true) : undefined;
    const late = a?.dueAt !== undefined && now > Date.parse(a.dueAt);
    this.item.text = `$(clock) ${formatCountdown(remainingMs)}${lateDays ? ` · ${lateDays}` : ''}`;
    this.item.tooltip = `${deadline.title}\n${late ? `Was due ${formatAbsolute(new Date(a.dueAt!))}; late days cover it until ${formatAbsolute(deadline.dueAt)}` : `Due ${formatAbsolute(deadline.dueAt)}`}${lateDays ? `\nLate days: ${lateDays}` : ''}`;
    this.item.backgroundColor = remainingMs < 3_600_000 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = {
      label: `${deadline.title} ${late ? 'takes late work for' : 'due in'} ${formatCountdown(remainingMs)}${lateDays ? `, ${lateDays}` : ''}`,
    };
    this.item.show();
    // update(), not render(): when a due time passes, late days may keep the assignment open.
    this.timer = setTimeout(() => this.update(), DeadlineWatch.refreshDelay(remainingMs));
  }
}
