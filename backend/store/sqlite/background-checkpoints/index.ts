/**
 * Checkpoints in a thread of their own. In WAL mode every commit appends pages to the WAL and, by
 * default, the commit that takes the WAL past 1000 frames also copies them into the database file
 * and syncs it (https://sqlite.org/wal.html#automatic_checkpoint) — 10–20 ms on this project's
 * test machine, paid by whichever batch happens to cross the line, which made the slowest tenth of
 * ingest commits two to three times slower than the rest (docs/performance.md "Fourth round").
 * Here a second connection on its own thread checkpoints instead (PASSIVE: it never blocks the
 * writer), about every `targetFrames` frames; the writer keeps a higher `wal_autocheckpoint` as a
 * backstop, which also restarts the WAL if the background checkpoints never catch a quiet moment.
 *
 * Durability is unchanged: a commit is durable once its WAL frames are synced, whoever copies them
 * later. If the thread fails, the writer's threshold goes back to SQLite's default and checkpoints
 * happen inline again; nothing is lost either way.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Db } from '../database';
import type { CheckpointerConfig, CheckpointStats, FromCheckpointer, ToCheckpointer } from './protocol';
import { type CheckpointSchedule, DEFAULT_SCHEDULE } from './schedule';

export type { CheckpointStats } from './protocol';

/** SQLite's default `wal_autocheckpoint`, restored when the background thread stops. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;
/**
 * The writer's `wal_autocheckpoint` while the thread runs with the default schedule, frames; also
 * the backstop of other connections writing the same file (the stack's broker-thread ingest).
 */
export const DEFAULT_BACKSTOP_FRAMES = 4 * DEFAULT_SCHEDULE.targetFrames;
/** How long `stop` waits for the thread to finish a checkpoint in progress before terminating it, ms. */
const STOP_TIMEOUT_MS = 5000;

export interface BackgroundCheckpointOptions extends Partial<CheckpointSchedule> {
  /**
   * The writer's own `wal_autocheckpoint` while the thread runs, frames. Default 4 × `targetFrames`:
   * above the thread's target, so the writer checkpoints only when the thread falls behind or
   * never finds the WAL fully copied between two commits (then the WAL could not restart).
   */
  backstopFrames?: number;
  /** A checkpoint failed or the thread stopped unexpectedly (the writer checkpoints inline then). */
  onError?: (e: Error) => void;
}

export interface BackgroundCheckpoints {
  stats(): Promise<CheckpointStats>;
  /** Stops the thread after the checkpoint in progress; the writer checkpoints inline again. */
  stop(): Promise<void>;
}

export function startBackgroundCheckpoints(db: Db, opts: BackgroundCheckpointOptions = {}): BackgroundCheckpoints {
  const schedule: CheckpointSchedule = {
    targetFrames: opts.targetFrames ?? DEFAULT_SCHEDULE.targetFrames,
    minIntervalMs: opts.minIntervalMs ?? DEFAULT_SCHEDULE.minIntervalMs,
    maxIntervalMs: opts.maxIntervalMs ?? DEFAULT_SCHEDULE.maxIntervalMs,
  };
  if (!(schedule.targetFrames >= 1 && schedule.minIntervalMs >= 1 && schedule.maxIntervalMs >= schedule.minIntervalMs))
    throw new RangeError('background checkpoints: targetFrames and minIntervalMs must be ≥ 1, maxIntervalMs ≥ minIntervalMs');
  const backstop = opts.backstopFrames ?? 4 * schedule.targetFrames;
  if (!(backstop >= 1)) throw new RangeError('background checkpoints: backstopFrames must be ≥ 1');
  if (db.memory) throw new RangeError('background checkpoints need a database file, not :memory:');
  const config: CheckpointerConfig = {
    ...schedule,
    file: db.name,
    synchronous: (db.pragma('synchronous', { simple: true }) as number) >= 2 ? 'FULL' : 'NORMAL',
  };
  db.pragma(`wal_autocheckpoint = ${Math.round(backstop)}`);
  const worker = new Worker(join(__dirname, 'worker-entry.js'), { workerData: config });
  // The thread alone does not keep a program running: one that ends without closing its store
  // leaves the WAL for the next open to recover, as it would without the thread.
  worker.unref();
  let last: CheckpointStats = { runs: 0, busy: 0, restarts: 0, maxLog: 0, framesCopied: 0, checkpointMs: 0, errors: 0 };
  const statsWaiters: Array<(s: CheckpointStats) => void> = [];
  let stopping = false;
  let alive = true;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  function inlineAgain(): void {
    // The writer may already be closed when the thread dies during shutdown.
    if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
  }
  worker.on('message', (m: FromCheckpointer) => {
    if (m.type === 'error') opts.onError?.(new Error(`background checkpoint failed: ${m.message}`));
    else {
      last = m.stats;
      for (const w of statsWaiters.splice(0)) w(m.stats);
    }
  });
  worker.on('error', (e) => opts.onError?.(new Error(`background checkpoints stopped: ${(e as Error)?.message ?? String(e)}`)));
  void exited.then(() => {
    alive = false;
    inlineAgain();
    for (const w of statsWaiters.splice(0)) w(last);
    if (!stopping) opts.onError?.(new Error('background checkpoints stopped; checkpointing inline'));
  });

  const ask = (m: ToCheckpointer) => worker.postMessage(m);
  return {
    stats() {
      if (!alive) return Promise.resolve(last);
      return new Promise<CheckpointStats>((resolve) => {
        statsWaiters.push(resolve);
        ask({ type: 'stats' });
      });
    },
    async stop() {
      stopping = true;
      // Held again while it stops, so a program awaiting this does not end before the writer closes.
      worker.ref();
      if (alive) ask({ type: 'stop' });
      const timeout = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timeout);
    },
  };
}
