/**
 * The one clock interface: what code that waits or timestamps is given instead of reaching for
 * `Date.now` and `setTimeout` itself, so tests drive time (a fake clock) rather than sleep, and
 * the same code runs in Node and in WeChat (whose timers return numbers).
 */

/** Scheduling. `H` is the handle the platform's `setTimeout` returns (a number in WeChat). */
export interface Timers<H = unknown> {
  setTimeout(fn: () => void, ms: number): H;
  clearTimeout(handle: H): void;
}

/** Scheduling plus the wall clock, ms since the epoch. */
export interface Clock<H = unknown> extends Timers<H> {
  now(): number;
}

/** The platform's own clock (Node, a browser or WeChat: all have these globals). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as Parameters<typeof clearTimeout>[0]),
};

/** Resolves after `ms` on `timers`. */
export function sleep<H>(timers: Timers<H>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    timers.setTimeout(resolve, ms);
  });
}
