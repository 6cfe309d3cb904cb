/**
 * Waits for a condition that depends on real I/O (a socket connecting, a batch committing) by
 * yielding to the event loop; fails after `limitMs` instead of hanging.
 */
export async function until(condition: () => boolean | Promise<boolean>, what: string, limitMs = 5000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
