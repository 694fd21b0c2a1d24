// Raise Hand, for students: from an assignment in the Classpod view, from a
// failing test in the Testing view (its name and message attached as the
// Testing view shows them), or from the command palette. The status bar says
// where the hand is ("Hand raised — 3rd in queue", "Tara is helping you");
// while a helper views the terminal it says so, and a notice offers to end
// the session. The state is plain logic (help/own-hands.ts).

import * as vscode from 'vscode';
import { EndHelpRequest, HelpChangedNotification, LowerHandRequest, RaiseHandRequest, type FailingTest, type HelpRequest, type RpcEndpoint } from '@classpod/protocol';
import type { Logger } from '../log';
import type { CourseCatalog } from '../courses/course-catalog';
import { failingTestAttachment, handStatus, helperLabel } from '../help/help-text';
import { OwnHands } from '../help/own-hands';
import { requesterFor } from '../professor/hub-requester';
import type { StudentSession } from '../session/student-session';
import type { CoursesTreeNode } from './courses-tree';
import { parseTestItemId } from './testing';

/** What Raise Hand may be given: an assignment row, a test item, a test message's context, or plain ids. */
export type RaiseHandTarget =
  | CoursesTreeNode
  | vscode.TestItem
  | { test: vscode.TestItem; message: vscode.TestMessage }
  | { courseId: string; assignmentId: string; message?: string; failingTest?: FailingTest };

/** Text of a test message, as the Testing view shows it (with the expected and actual output when it has them). */
export function testMessageText(m: vscode.TestMessage): string {
  const text = typeof m.message === 'string' ? m.message : m.message.value;
  if (m.expectedOutput === undefined && m.actualOutput === undefined) return text;
  return `${text}\n--- expected\n${m.expectedOutput ?? ''}\n--- actual\n${m.actualOutput ?? ''}`;
}

export class HandRaising implements vscode.Disposable {
  private readonly status = vscode.window.createStatusBarItem('classpod.help', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.status];
  private hands: OwnHands | undefined;
  private wired: { dispose(): void } | undefined;
  /** Notices shown about a helper viewing the terminal, oldest first (tests read them). */
  readonly notices: string[] = [];

  constructor(
    private readonly session: StudentSession,
    private readonly hub: () => Promise<RpcEndpoint>,
    private readonly catalog: CourseCatalog,
    /** The last failure message of a Testing view item, if it failed. */
    private readonly lastFailure: (testItemId: string) => string | undefined,
    private readonly logger: Logger,
  ) {
    this.status.name = 'Classpod Help';
    this.disposables.push(session.onDidChange(() => this.follow()));
    this.follow();
  }

  /** The open hands (tests). */
  get own(): OwnHands | undefined {
    return this.hands;
  }

  private follow(): void {
    this.wired?.dispose();
    this.hands?.dispose();
    this.hands = undefined;
    const account = this.session.account;
    const connection = this.session.connection;
    if (!account || !connection) return this.show();
    const hands = new OwnHands(account.person.personId);
    this.hands = hands;
    const studentCourses = account.person.courses.filter((c) => c.role === 'student').map((c) => c.courseId);
    const wire = (endpoint: RpcEndpoint): void => {
      endpoint.onNotification(HelpChangedNotification.type, (p) => hands.apply(p));
      void hands.load(requesterFor(this.hub), studentCourses).catch((err: Error) => this.logger.warn('could not read raised hands', { err }));
    };
    if (connection.endpoint) wire(connection.endpoint);
    const subs = [
      connection.onDidConnect(({ endpoint }) => wire(endpoint)),
      hands.onDidChange(() => this.show()),
      hands.onTerminalViewed((r) => this.tell(r)),
    ];
    this.wired = { dispose: () => subs.forEach((s) => s.dispose()) };
    this.show();
  }

  private show(): void {
    const r = this.hands?.current();
    const text = r ? handStatus(r) : undefined;
    if (!r || !text) {
      this.status.hide();
      return;
    }
    const viewing = r.state === 'helping' && r.terminalSince !== undefined;
    this.status.text = `${viewing ? '$(eye)' : '$(question)'} ${text}`;
    this.status.tooltip = viewing
      ? `${helperLabel(r)} sees your terminal for this help session. Click to end the session.`
      : r.state === 'helping'
        ? `${helperLabel(r)} took your question about ${r.assignmentId}. Click to end the session.`
        : `You asked for help with ${r.assignmentId}. Click to lower your hand.`;
    this.status.command = r.state === 'helping' ? 'classpod.endHelpSession' : 'classpod.lowerHand';
    this.status.backgroundColor = viewing ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.status.show();
  }

  /** The status line as shown (tests). */
  get statusText(): string | undefined {
    return this.hands?.current() ? this.status.text : undefined;
  }

  private tell(r: HelpRequest): void {
    const notice = `${helperLabel(r)} is viewing your terminal (help with ${r.assignmentId}).`;
    this.notices.push(notice);
    void vscode.window.showWarningMessage(notice, 'End Session').then((c) => (c ? this.end(r.courseId) : undefined));
  }

  private async target(t?: RaiseHandTarget): Promise<{ courseId: string; assignmentId: string; message?: string; failingTest?: FailingTest }> {
    if (t && 'kind' in t && (t.kind === 'assignment' || t.kind === 'course')) {
      if (t.kind === 'assignment') return { courseId: t.assignment.courseId, assignmentId: t.assignment.id };
    } else if (t && 'test' in t && 'message' in t && typeof (t as { test: vscode.TestItem }).test?.id === 'string') {
      const { test, message } = t as { test: vscode.TestItem; message: vscode.TestMessage };
      const ids = parseTestItemId(test.id);
      if (ids) return { courseId: ids.courseId, assignmentId: ids.assignmentId, failingTest: failingTestAttachment(test.label, testMessageText(message)) };
    } else if (t && 'id' in t && 'label' in t && typeof t.id === 'string') {
      const ids = parseTestItemId(t.id);
      if (ids) return { courseId: ids.courseId, assignmentId: ids.assignmentId, failingTest: failingTestAttachment(t.label, this.lastFailure(t.id) ?? 'not run yet') };
    } else if (t && 'courseId' in t && 'assignmentId' in t) {
      return t;
    }
    const choices = this.catalog.courses().flatMap((c) => (c.course.role === 'student' ? c.assignments : []));
    const picked = await vscode.window.showQuickPick(
      choices.map((a) => ({ label: a.title, description: a.courseId, assignment: a })),
      { title: 'Raise Hand', placeHolder: 'Which assignment do you need help with?' },
    );
    if (!picked) throw new Error('Raise Hand: no assignment chosen.');
    return { courseId: picked.assignment.courseId, assignmentId: picked.assignment.id };
  }

  /** Raise a hand; asks for a message unless one is given. */
  async raise(t?: RaiseHandTarget): Promise<HelpRequest | undefined> {
    const target = await this.target(t);
    let message = target.message;
    if (message === undefined) {
      message = await vscode.window.showInputBox({
        title: `Raise Hand — ${target.assignmentId}`,
        prompt: target.failingTest ? `The failing test “${target.failingTest.name}” is attached. What have you tried?` : 'What do you need help with?',
        placeHolder: 'e.g. my loop never ends on the empty input',
      });
      if (message === undefined) return undefined;
    }
    const { request } = await (await this.hub()).request(RaiseHandRequest.type, {
      courseId: target.courseId,
      assignmentId: target.assignmentId,
      message,
      ...(target.failingTest ? { failingTest: target.failingTest } : {}),
    });
    this.hands?.set(request);
    void vscode.window.showInformationMessage(`${handStatus(request) ?? 'Hand raised'}. Staff see your question${target.failingTest ? ' and the failing test' : ''}.`);
    return request;
  }

  private open(courseId?: string): HelpRequest {
    const r = this.hands?.current(courseId);
    if (!r) throw new Error('You have no hand raised.');
    return r;
  }

  async lower(courseId?: string): Promise<HelpRequest> {
    const { request } = await (await this.hub()).request(LowerHandRequest.type, { requestId: this.open(courseId).id });
    this.hands?.set(request);
    return request;
  }

  async end(courseId?: string): Promise<HelpRequest> {
    const { request } = await (await this.hub()).request(EndHelpRequest.type, { requestId: this.open(courseId).id });
    this.hands?.set(request);
    return request;
  }

  dispose(): void {
    this.wired?.dispose();
    this.hands?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
