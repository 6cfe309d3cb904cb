/**
 * The one retry schedule of the project: capped exponential backoff with "equal jitter" (half of
 * each delay fixed, half random). Without jitter every client that lost the same broker retries in
 * the same instant — a thundering herd that can knock the broker over again after a restart; with
 * full jitter some clients retry almost at once. Equal jitter keeps a floor and spreads the rest.
 * (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015; MQTT 5.0 §4.13 leaves the
 * schedule to the client.)
 *
 * Used by terminals reconnecting, the mini program reconnecting after a dropped socket or a
 * failed credentials call, and the CloudBase adapter retrying a conflicting transaction.
 */

export interface BackoffOptions {
  /** First delay before jitter, ms. */
  initialMs: number;
  /** Largest delay before jitter, ms. */
  maxMs: number;
  /** Random numbers in [0, 1); default `Math.random` (tests pass a fixed one). */
  random?: () => number;
}

/** The delay before retry number `attempt` (0 = the first retry). */
export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const ceiling = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.round(ceiling / 2 + (opts.random ?? Math.random)() * (ceiling / 2));
}

/** A retry schedule that remembers how many attempts failed since the last success. */
export interface Backoff {
  /** The next delay; each call counts one more failed attempt. */
  next(): number;
  /** After a success: the next failure starts again from `initialMs`. */
  reset(): void;
  /** Failed attempts since the last reset. */
  readonly attempts: number;
}

export function createBackoff(opts: BackoffOptions): Backoff {
  let attempts = 0;
  return {
    next: () => backoffDelay(attempts++, opts),
    reset: () => {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
