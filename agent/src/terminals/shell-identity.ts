// Who a workspace terminal says the person is. The account the workspace runs
// under belongs to the image or the machine (a name like `cloudsdk` or `root`
// means nothing to a student), so a terminal is told the student's id —
// or "student" when the workspace names none — as $USER and $LOGNAME, and
// bash's prompt says it too. The prompt is set by PROMPT_COMMAND, which bash
// runs after its start-up files (which set PS1 from the account's name).

/** A name safe to show in a prompt and an environment variable: the student's id, else "student". */
export function shellUserName(studentId: string | undefined): string {
  const cleaned = (studentId ?? '').replace(/[^A-Za-z0-9._-]/g, '').slice(0, 32);
  return cleaned || 'student';
}

/** The variables a terminal gets for this name: "ada@classpod:~/c-sum$ " as bash's prompt. */
export function shellIdentityEnv(name: string): Record<string, string> {
  return { USER: name, LOGNAME: name, PROMPT_COMMAND: `PS1='${name}@classpod:\\w\\$ '` };
}
