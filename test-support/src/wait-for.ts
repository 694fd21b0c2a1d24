// Waiting for a condition the way every test here must: poll it, with a
// generous deadline for a loaded machine, and name what was awaited when the
// deadline passes.

/** Poll `check` every 100 ms until it returns something other than undefined; reject after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
