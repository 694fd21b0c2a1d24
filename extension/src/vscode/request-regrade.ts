// "Request Regrade…" on a graded assignment in the Classpod view (and in the
// command palette): which test the request is about (or the whole
// submission), the message for the staff, a confirmation, then the request
// goes to the hub and the assignment's row says "regrade requested".

import * as vscode from 'vscode';
import { GetResultRequest, MAX_REGRADE_MESSAGE_CHARS, type AssignmentSummary, type RegradeRequestInfo, type RpcEndpoint } from '@classpod/protocol';
import type { CourseCatalog } from '../courses/course-catalog';
import type { NewRegradeRequest, StudentRegradeRequests } from '../courses/regrade-requests';
import { handsInWork } from '../courses/assignment-presentation';

/** Ids of the assignment; with `message` the request is made without asking (tests). */
export interface RequestRegradeArgs {
  courseId?: string;
  assignmentId?: string;
  message?: string;
  testName?: string;
  path?: string;
  line?: number;
}

export class RequestRegradeCommand {
  constructor(
    private readonly catalog: CourseCatalog,
    private readonly requests: StudentRegradeRequests,
    private readonly hub: () => Promise<RpcEndpoint>,
  ) {}

  async run(args: RequestRegradeArgs = {}): Promise<RegradeRequestInfo | undefined> {
    const a = await this.assignment(args);
    if (!a) return undefined;
    if (!a.latestSubmissionId) throw new Error(`You have not submitted “${a.title}” yet.`);
    const base = { submissionId: a.latestSubmissionId } as const;
    let params: NewRegradeRequest;
    if (args.message !== undefined) {
      params = { ...base, message: args.message, ...(args.testName ? { testName: args.testName } : {}), ...(args.path ? { path: args.path } : {}), ...(args.line ? { line: args.line } : {}) };
    } else {
      const asked = await this.ask(a, a.latestSubmissionId);
      if (!asked) return undefined;
      params = { ...base, ...asked };
    }
    const request = await this.requests.create(params);
    void vscode.window.showInformationMessage(`Regrade requested for “${a.title}”. You will be notified when the staff answer.`);
    return request;
  }

  private async assignment(args: RequestRegradeArgs): Promise<AssignmentSummary | undefined> {
    if (args.courseId && args.assignmentId) {
      const a = this.catalog.find(args.courseId, args.assignmentId);
      if (!a) throw new Error(`No assignment ${args.assignmentId} in course ${args.courseId}.`);
      return a;
    }
    const graded = this.catalog.courses().flatMap((c) => (handsInWork(c.course.role) ? c.assignments.filter((x) => x.latestSubmissionId && x.state === 'graded') : []));
    if (graded.length === 0) throw new Error('None of your assignments is graded yet: a regrade can be asked for once a submission has its result.');
    const picked = await vscode.window.showQuickPick(
      graded.map((x) => ({ label: x.title, description: x.courseId, assignment: x })),
      { title: 'Request Regrade', placeHolder: 'Which assignment?' },
    );
    return picked?.assignment;
  }

  private async ask(a: AssignmentSummary, submissionId: string): Promise<Omit<NewRegradeRequest, 'submissionId'> | undefined> {
    const { result } = await (await this.hub()).request(GetResultRequest.type, { submissionId });
    const tests = result.tests.map((t) => t.name ?? `hidden test ${t.hiddenIndex}`);
    let testName: string | undefined;
    if (tests.length > 0) {
      const WHOLE = 'The whole submission';
      const picked = await vscode.window.showQuickPick([WHOLE, ...tests], { title: `Request a regrade of “${a.title}”`, placeHolder: 'What is it about?' });
      if (picked === undefined) return undefined;
      if (picked !== WHOLE) testName = picked;
    }
    const message = await vscode.window.showInputBox({
      title: `Request a regrade of “${a.title}”${testName ? ` (${testName})` : ''}`,
      prompt: 'What should the staff look at again, and why? They read this.',
      validateInput: (v) => (v.trim() === '' ? 'Say what should be looked at again' : v.length > MAX_REGRADE_MESSAGE_CHARS ? `At most ${MAX_REGRADE_MESSAGE_CHARS} characters` : undefined),
    });
    if (message === undefined) return undefined;
    const choice = await vscode.window.showWarningMessage(
      `Ask the staff to regrade “${a.title}”?`,
      { modal: true, detail: `${testName ? `About ${testName}: ` : ''}${message.trim()}\n\nYou can have one open request per submission.` },
      'Request Regrade',
    );
    if (choice !== 'Request Regrade') return undefined;
    return { message: message.trim(), ...(testName ? { testName } : {}) };
  }
}
