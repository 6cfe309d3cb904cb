/**
 * When the background checkpointer runs next. Pure, so the arithmetic is tested without threads
 * or files.
 *
 * - Normally often enough that each checkpoint copies about `targetFrames` WAL frames (SQLite's own
 *   autocheckpoint copies 1000), at most every `minIntervalMs`, at least every `maxIntervalMs`.
 * - Once the WAL holds `targetFrames` or more, every `minIntervalMs` until it restarts: the WAL
 *   only starts again from its first frame when a write transaction begins with every frame
 *   already copied (https://sqlite.org/wal.html#avoiding_excessively_large_wal_files), so a
 *   checkpoint must land between two commits. Under constant writing that moment never comes, and
 *   the writer's own (higher) `wal_autocheckpoint` restarts it instead.
 */

export interface CheckpointSchedule {
  /** Frames a checkpoint should copy, about. Default 1000 (SQLite's `wal_autocheckpoint` default). */
  targetFrames: number;
  /** Shortest pause between two checkpoints, ms (also while waiting for the WAL to restart). Default 5. */
  minIntervalMs: number;
  /** Longest pause, ms (also the pause while nothing is written). Default 10 000. */
  maxIntervalMs: number;
}

export const DEFAULT_SCHEDULE: CheckpointSchedule = { targetFrames: 1000, minIntervalMs: 5, maxIntervalMs: 10_000 };

/** What `PRAGMA wal_checkpoint(PASSIVE)` answers (https://sqlite.org/pragma.html#pragma_wal_checkpoint). */
export interface CheckpointAnswer {
  /** 1 when another connection held the checkpoint lock (the writer's own backstop checkpoint). */
  busy: number;
  /** Frames in the WAL now. */
  log: number;
  /** Frames of them copied into the database file (by this or any earlier checkpoint). */
  checkpointed: number;
}

/**
 * Frames written to the WAL between two answers, at least. The WAL starts again from frame 1 once
 * everything in it was copied (https://sqlite.org/wal.html#checkpointing); frames written before
 * such a restart, after the earlier answer, are not reported (few: the thread looks often while
 * the WAL is long, which is when it restarts).
 */
export function framesWritten(before: CheckpointAnswer | undefined, now: CheckpointAnswer): number {
  if (!before || walRestarted(before, now)) return Math.max(0, now.log);
  return now.log - before.log;
}

/** The WAL started again from frame 1 between two answers: it is shorter than it was. */
export function walRestarted(before: CheckpointAnswer | undefined, now: CheckpointAnswer): boolean {
  return before !== undefined && now.log < before.log;
}

/** Shortest span a write-rate sample covers, ms: commits come in bursts, shorter spans mislead. */
export const RATE_WINDOW_MS = 250;

/** The write rate, frames per ms, from one sample of at least RATE_WINDOW_MS (the newest counts half). */
export function nextRate(ratePerMs: number, written: number, elapsedMs: number): number {
  const sample = written / elapsedMs;
  return ratePerMs > 0 ? (ratePerMs + sample) / 2 : sample;
}

/**
 * The pause before the next checkpoint, given the last answer, the write rate (frames per ms) and
 * how many checkpoints in a row found nothing new written (`quietRuns`).
 */
export function nextInterval(now: CheckpointAnswer, ratePerMs: number, s: CheckpointSchedule, quietRuns = 0): number {
  // Busy: the writer is checkpointing itself right now; look again soon.
  if (now.busy) return s.minIntervalMs;
  // A long WAL: catch a gap between two commits with everything copied, so the next commit
  // restarts the WAL. When nothing is being written (a burst ended), back off instead of polling.
  if (now.log >= s.targetFrames) return Math.min(s.maxIntervalMs, s.minIntervalMs * 2 ** Math.min(quietRuns, 20));
  if (!(ratePerMs > 0)) return s.maxIntervalMs;
  // Until the WAL holds about `targetFrames` at this rate.
  const ms = (s.targetFrames - Math.max(0, now.log)) / ratePerMs;
  return Math.min(s.maxIntervalMs, Math.max(s.minIntervalMs, ms));
}
