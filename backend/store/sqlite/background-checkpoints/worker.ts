/**
 * The background checkpointer's thread. Its own connection to the SQLite file copies committed WAL
 * frames into the database file with `PRAGMA wal_checkpoint(PASSIVE)`, which never blocks the
 * writer (https://sqlite.org/c3ref/wal_checkpoint_v2.html: PASSIVE "checkpoint as many frames as
 * possible without waiting for any database readers or writers to finish"), so the writer's commits
 * no longer pay for the page writes and the database file's fsync of a checkpoint.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointerConfig, CheckpointStats, FromCheckpointer, ToCheckpointer } from './protocol';
import { type CheckpointAnswer, framesWritten, nextInterval, nextRate, RATE_WINDOW_MS, walRestarted } from './schedule';

/** After a failed checkpoint (e.g. the file is locked by a VACUUM), try again after this long, ms. */
const RETRY_AFTER_ERROR_MS = 1000;

function start(port: NonNullable<typeof parentPort>, config: CheckpointerConfig): void {
  const post = (m: FromCheckpointer) => port.postMessage(m);
  let db: Database.Database;
  try {
    db = new Database(config.file, { fileMustExist: true });
    // Never wait for a lock: a busy checkpoint is simply tried again later.
    db.pragma('busy_timeout = 0');
    // A checkpoint syncs the database file (before the WAL may restart) unless synchronous is OFF.
    db.pragma(`synchronous = ${config.synchronous}`);
  } catch (e) {
    // E.g. the writer holds the file in exclusive locking mode: it checkpoints inline then.
    post({ type: 'error', message: `cannot open ${config.file}: ${(e as Error).message}` });
    port.close();
    return;
  }
  const stats: CheckpointStats = { runs: 0, busy: 0, restarts: 0, maxLog: 0, framesCopied: 0, checkpointMs: 0, errors: 0 };
  let last: CheckpointAnswer | undefined;
  let ratePerMs = 0;
  // Frames written since `sampleFrom`, for the next write-rate sample.
  let sampled = 0;
  let sampleFrom = performance.now();
  // Checkpoints in a row that found nothing new in the WAL.
  let quietRuns = 0;
  let timer: NodeJS.Timeout | undefined;

  function run(): void {
    const started = performance.now();
    let delay: number;
    try {
      const answer = db.pragma('wal_checkpoint(PASSIVE)', { simple: false }) as CheckpointAnswer[];
      const now = answer[0] ?? { busy: 0, log: 0, checkpointed: 0 };
      stats.runs++;
      if (now.busy) {
        // The writer holds the checkpoint lock; the answer says nothing about the WAL (-1, -1).
        stats.busy++;
      } else {
        const restarted = walRestarted(last, now);
        if (restarted) stats.restarts++;
        stats.maxLog = Math.max(stats.maxLog, now.log);
        stats.framesCopied += Math.max(0, now.checkpointed - (restarted ? 0 : (last?.checkpointed ?? 0)));
        const written = framesWritten(last, now);
        quietRuns = written > 0 || restarted ? 0 : quietRuns + 1;
        sampled += written;
        if (started - sampleFrom >= RATE_WINDOW_MS) {
          ratePerMs = nextRate(ratePerMs, sampled, started - sampleFrom);
          sampled = 0;
          sampleFrom = started;
        }
        last = now;
      }
      delay = nextInterval(now, ratePerMs, config, quietRuns);
    } catch (e) {
      stats.errors++;
      post({ type: 'error', message: (e as Error).message });
      delay = RETRY_AFTER_ERROR_MS;
    }
    stats.checkpointMs += performance.now() - started;
    timer = setTimeout(run, delay);
  }

  port.on('message', (m: ToCheckpointer) => {
    if (m.type === 'stats') return post({ type: 'stats', stats: { ...stats } });
    if (m.type === 'stop') {
      clearTimeout(timer);
      db.close();
      post({ type: 'stopped', stats: { ...stats } });
      port.close();
    }
  });
  timer = setTimeout(run, config.minIntervalMs);
}

if (parentPort) start(parentPort, workerData as CheckpointerConfig);
