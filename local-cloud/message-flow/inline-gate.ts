/**
 * When the message flow may store a batch on the calling (broker) thread: while that thread has
 * time to spare (docs/performance.md, "Tenth round"). Its own work — the thread's event-loop
 * utilization less the inline calls' share — must be under `maxUtilization`, so a busy broker
 * (10 000 devices × 1/s) leaves storage to the worker, whose core adds throughput; the inline
 * calls' share of its time must be under `maxShare`, so slow commits (a slow disk's fsyncs) do not
 * stall it; and after one call slower than `slowMs` the path rests for `restMs`.
 */

import { performance } from 'node:perf_hooks';

/** The span over which utilization and the inline share are averaged, ms. */
export const GATE_WINDOW_MS = 1000;

/** A reading of Node's event-loop counters: ms idle and ms active since the thread started. */
export type LoopReading = { idle: number; active: number };

/**
 * The calling thread's event-loop utilization (the share of time it was not waiting for I/O:
 * https://nodejs.org/api/perf_hooks.html#performanceeventlooputilizationutilization1-utilization2),
 * averaged over about `windowMs`: each call folds in the span since the previous one, weighted by
 * its length. `read` is injected so tests need no real load.
 */
export function createLoopUtilization(windowMs = GATE_WINDOW_MS, read: () => LoopReading = () => performance.eventLoopUtilization()): () => number {
  let last = read();
  let value = 0;
  return () => {
    const now = read();
    const idle = now.idle - last.idle;
    const active = now.active - last.active;
    if (!(idle >= 0 && active >= 0 && idle + active > 0)) return value;
    last = now;
    value += (active / (idle + active) - value) * Math.min(1, (idle + active) / windowMs);
    return value;
  };
}

export interface InlineGateOptions {
  /** Largest batch stored inline. Default 128. */
  maxBatch?: number;
  /** The thread's own utilization (inline calls not counted), 0–1, at which it is busy. Default 0.5. */
  maxUtilization?: number;
  /** The inline calls' share of the thread's time at which they stop. Default 0.25. */
  maxShare?: number;
  /** An inline call slower than this (ms) rests the path. Default 20. */
  slowMs?: number;
  /** How long the path rests after a slow call, ms. Default 2000. */
  restMs?: number;
  /** The thread's recent utilization, 0–1. Default `createLoopUtilization()`. */
  utilization?: () => number;
}

export type GateVerdict = 'inline' | 'too-large' | 'resting' | 'busy';

export function createInlineGate(opts: InlineGateOptions, clock: () => number) {
  const maxBatch = opts.maxBatch ?? 128;
  const maxUtilization = opts.maxUtilization ?? 0.5;
  const maxShare = opts.maxShare ?? 0.25;
  const slowMs = opts.slowMs ?? 20;
  const restMs = opts.restMs ?? 2000;
  const utilization = opts.utilization ?? createLoopUtilization();
  /** Not used before this time (monotonic ms), after a slow call. */
  let restUntil = Number.NEGATIVE_INFINITY;
  // Time spent in inline calls, decaying over GATE_WINDOW_MS: busy / GATE_WINDOW_MS is their share.
  let busyMs = 0;
  let busyAt = clock();
  const share = (t: number) => {
    busyMs *= Math.exp(-(t - busyAt) / GATE_WINDOW_MS);
    busyAt = t;
    return busyMs / GATE_WINDOW_MS;
  };
  const ownWork = (inlineShare: number) => {
    try {
      return utilization() - inlineShare;
    } catch {
      return Number.POSITIVE_INFINITY; // unknown: leave storage to the worker
    }
  };

  return {
    /** Whether a batch of `size` may be stored inline now. */
    check(size: number): GateVerdict {
      if (size > maxBatch) return 'too-large';
      const t = clock();
      if (t < restUntil) return 'resting';
      const s = share(t);
      return s >= maxShare || ownWork(s) >= maxUtilization ? 'busy' : 'inline';
    },
    /** Records an inline call that ran from `started` to `ended`; true if it was slow (the path now rests). */
    record(started: number, ended: number): boolean {
      share(ended);
      busyMs += ended - started;
      if (ended - started <= slowMs) return false;
      restUntil = ended + restMs;
      return true;
    },
  };
}
