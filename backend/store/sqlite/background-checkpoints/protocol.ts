/** Messages between a store and its background checkpointer thread. */
import type { CheckpointSchedule } from './schedule';

export interface CheckpointerConfig extends CheckpointSchedule {
  /** The database file (the writer's `db.name`). */
  file: string;
  /** The writer's `synchronous` setting: a checkpoint then syncs the database file as the writer would. */
  synchronous: 'FULL' | 'NORMAL';
}

export interface CheckpointStats {
  /** Checkpoints attempted. */
  runs: number;
  /** Of them, found the writer checkpointing (SQLITE_BUSY) and retried soon after. */
  busy: number;
  /** Times the WAL was seen to start again from its first frame (it was fully copied between two commits). */
  restarts: number;
  /** The most frames seen in the WAL. */
  maxLog: number;
  /** WAL frames copied into the database file by this thread. */
  framesCopied: number;
  /** Time spent checkpointing, ms (on this thread, not the writer's). */
  checkpointMs: number;
  /** Checkpoints that failed with an error (reported through `onError`). */
  errors: number;
}

export type ToCheckpointer = { type: 'stats' } | { type: 'stop' };

export type FromCheckpointer = { type: 'stats'; stats: CheckpointStats } | { type: 'error'; message: string } | { type: 'stopped'; stats: CheckpointStats };
