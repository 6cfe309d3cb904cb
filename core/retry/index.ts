/**
 * Capped exponential backoff with jitter, and a retry loop built on it. Pure: the caller passes
 * the pause (its clock) and, for tests, the random source.
 *
 * Jitter spreads clients that failed together (a fleet after a broker restart, writers racing for
 * one document) so they do not retry in lockstep. "Equal" keeps half of each delay fixed and
 * randomises the other half; "full" randomises all of it (AWS Architecture Blog, "Exponential
 * Backoff And Jitter", 2015).
 */

export interface Backoff {
  /** Delay before the first retry (attempt 0), ms. */
  baseMs: number;
  /** Longest delay, ms. */
  capMs: number;
  /** `equal` (default): half fixed, half random; `full`: anywhere from 0 to the delay. */
  jitter?: 'equal' | 'full';
  /** Random numbers in [0, 1); default `Math.random`. */
  random?: () => number;
}

/** The pause before retry `attempt` (0 for the first): `min(cap, base·2^attempt)`, jittered. */
export function backoffDelay(attempt: number, b: Backoff): number {
  const d = Math.min(b.capMs, b.baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  const r = (b.random ?? Math.random)();
  return Math.round(b.jitter === 'full' ? r * d : d / 2 + r * (d / 2));
}

export interface RetryOptions extends Backoff {
  /** Tries in all, the first included. */
  attempts: number;
  /** Whether a failure is worth another try; others are thrown at once. Default: every failure. */
  retryIf?: (error: unknown) => boolean;
  /** Waits `ms` (the caller's clock). */
  sleep: (ms: number) => Promise<void>;
}

/** Runs `fn` until it succeeds, a failure is not retryable, or `attempts` tries have failed (the last failure is thrown). */
export async function retry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt + 1 >= o.attempts || !(o.retryIf ?? (() => true))(e)) throw e;
      await o.sleep(backoffDelay(attempt, o));
    }
  }
}
