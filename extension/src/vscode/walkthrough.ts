// The walkthrough "Get started with Classpod" ticks its steps as the student
// does them. Its completion events in package.json (`onContext:`,
// `onCommand:`) are only seen while VS Code's walkthrough service runs, and
// VS Code starts that service lazily: on a start without the Welcome page it
// misses a sign-in or a test run, and a context already true when it starts
// never ticks. So each step is also ticked here, when it is done, through VS
// Code's own command for it (which starts the service if need be).

import * as vscode from 'vscode';
import type { Logger } from '../log';

/** The walkthrough's id in package.json. */
export const WALKTHROUGH_ID = 'classpod.welcome';

/** Its steps, as package.json names them. */
export type WalkthroughStep = 'signIn' | 'openAssignment' | 'terminal' | 'tests' | 'submit';

/** VS Code's id of a step of an extension's walkthrough. */
export function walkthroughStepId(extensionId: string, step: WalkthroughStep): string {
  return `${extensionId}#${WALKTHROUGH_ID}#${step}`;
}

export class Walkthrough {
  private readonly ticked = new Set<WalkthroughStep>();

  constructor(
    private readonly extensionId: string,
    private readonly logger: Logger,
  ) {}

  /** The student did this step (once a session is enough: VS Code keeps it). */
  done(step: WalkthroughStep): void {
    if (this.ticked.has(step)) return;
    this.ticked.add(step);
    vscode.commands.executeCommand('welcome.markStepComplete', walkthroughStepId(this.extensionId, step)).then(undefined, (err: unknown) => {
      // An editor without VS Code's walkthroughs: the step stays as it is, nothing else depends on it.
      this.ticked.delete(step);
      this.logger.debug('walkthrough step not ticked', { step, err });
    });
  }

  /** Tick `step` when `result` resolves to something (a command that was not cancelled). */
  after<T>(step: WalkthroughStep, result: Promise<T>): Promise<T> {
    return result.then((value) => {
      if (value !== undefined && value !== false) this.done(step);
      return value;
    });
  }
}
