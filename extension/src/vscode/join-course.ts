// *Classpod: Join Course with Invite Code*: the signed-in person pastes a code
// or an invite link and is enrolled in the course it names (as a student).

import * as vscode from 'vscode';
import { JoinCourseRequest, type RpcEndpoint } from '@classpod/protocol';
import { inviteCodeFrom } from '../courses/invite-code';

/** Ask for the code (or take `args.code`), join, and say what happened; resolves to the course id. */
export async function joinCourse(hub: () => Promise<RpcEndpoint>, refresh: () => Promise<void>, args?: { code: string }): Promise<string | undefined> {
  const text =
    args?.code ??
    (await vscode.window.showInputBox({
      title: 'Join a course',
      prompt: 'The invite code or link your course staff gave you',
      placeHolder: '7KQ2M-X9D4T-B3HZR',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' || inviteCodeFrom(v) ? undefined : 'That is not an invite code or link'),
    }));
  if (text === undefined) return undefined;
  const code = inviteCodeFrom(text);
  if (!code) throw new Error('That is not an invite code or link.');
  const joined = await (await hub()).request(JoinCourseRequest.type, { code });
  await refresh();
  void vscode.window.showInformationMessage(
    joined.joined ? `You joined ${joined.title} as a ${joined.role}.` : `You are already in ${joined.title} (as a ${joined.role}).`,
  );
  return joined.courseId;
}
