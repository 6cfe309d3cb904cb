/**
 * WAL checkpoints on a thread of their own. By default SQLite checkpoints inside the commit that
 * crosses `wal_autocheckpoint` pages (1000), so about one ingest batch in a hundred also copies the
 * WAL into the database file and syncs it — milliseconds added to those devices' PUBACKs. The stack
 * raises the writers' threshold to a backstop (`BACKSTOP_PAGES`) and runs PASSIVE checkpoints here
 * every `intervalMs`, which never block writers or readers (https://www.sqlite.org/wal.html,
 * "Application-Initiated Checkpoints"; https://www.sqlite.org/c3ref/wal_checkpoint_v2.html).
 * If this thread stops, the backstop still bounds the WAL.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../backend/runtime/deps';

/** `wal_autocheckpoint` for connections that write while a checkpointer runs (~40 MB of WAL). */
export const BACKSTOP_PAGES = 10_000;

export interface CheckpointerOptions {
  /** The SQLite database file (in WAL mode). */
  file: string;
  /** Between checkpoints, ms. Default 1000. */
  intervalMs?: number;
  /** SQLite `synchronous` of the checkpoint's writes; default `full`. */
  synchronous?: 'full' | 'normal';
  log: Logger;
}

export interface CheckpointStats {
  /** Checkpoints run. */
  runs: number;
  /** Frames in the WAL and frames copied into the database at the last run. */
  walFrames: number;
  checkpointedFrames: number;
  failures: number;
}

// Plain JavaScript, so the thread needs no TypeScript loader; better-sqlite3 is passed by path.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = ' + workerData.synchronous);
const timer = setInterval(() => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ type: 'ran', walFrames: r.log, checkpointedFrames: r.checkpointed, busy: r.busy });
  } catch (e) {
    parentPort.postMessage({ type: 'failed', message: String(e && e.message) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

type FromCheckpointer = { type: 'ran'; walFrames: number; checkpointedFrames: number; busy: number } | { type: 'failed'; message: string };

export function startCheckpointer(opts: CheckpointerOptions) {
  const stats: CheckpointStats = { runs: 0, walFrames: 0, checkpointedFrames: 0, failures: 0 };
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      driver: createRequire(__filename).resolve('better-sqlite3'),
      file: opts.file,
      intervalMs: opts.intervalMs ?? 1000,
      synchronous: opts.synchronous === 'normal' ? 'NORMAL' : 'FULL',
    },
  });
  worker.on('message', (m: FromCheckpointer) => {
    if (m.type === 'ran') {
      stats.runs++;
      stats.walFrames = m.walFrames;
      stats.checkpointedFrames = m.checkpointedFrames;
    } else {
      stats.failures++;
      opts.log.once(`checkpoint:${m.message}`, `WAL checkpoint failed: ${m.message} (writers fall back to their own every ${BACKSTOP_PAGES} pages)`);
    }
  });
  worker.on('error', (e) => opts.log.warn(`checkpointer stopped: ${e.message} (writers fall back to their own checkpoints)`));
  const exited = new Promise<void>((r) => worker.once('exit', () => r()));
  let closing: Promise<void> | undefined;
  return {
    stats,
    /** Stops after the checkpoint in progress, if any. Safe to call twice. */
    close(): Promise<void> {
      closing ??= (async () => {
        worker.postMessage('close');
        await exited;
      })();
      return closing;
    },
  };
}

export type Checkpointer = ReturnType<typeof startCheckpointer>;
