// What a person pastes to join a course: the invite code itself, or the
// invite link the hub made (`…/v1/join/<code>`). Plain logic, unit-tested.

/** The invite code in `text` (a code or an invite link), or undefined when there is none. */
export function inviteCodeFrom(text: string): string | undefined {
  const trimmed = text.trim();
  const fromLink = /\/v1\/join\/([A-Za-z0-9-]{4,64})\/?(?:[?#].*)?$/.exec(trimmed);
  const code = fromLink ? fromLink[1]! : trimmed;
  return /^[A-Za-z0-9-]{4,64}$/.test(code) ? code : undefined;
}
