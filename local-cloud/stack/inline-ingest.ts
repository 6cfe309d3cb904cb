/**
 * The broker thread's own `ingest` (local-cloud/message-flow `inline`): while the broker thread has
 * time to spare, batches are stored here instead of making two thread hops to the function worker
 * (docs/performance.md, "Seventh round").
 *
 * A connection of its own with `busy_timeout = 0`, and the whole batch inside one
 * `BEGIN IMMEDIATE` taken before the function runs (its own transactions become savepoints):
 * - the broker thread never waits for a lock: if another connection (the worker, the CLI) holds
 *   it, BEGIN fails at once and the batch goes to the worker, which waits;
 * - once BEGIN succeeded nothing later in the batch can fail on the lock, so a batch is stored
 *   whole (readings, counters, alert states) or not at all — an alert evaluation cannot be lost
 *   half-way and nothing is counted twice when the worker takes the batch over;
 * - one commit, one fsync, for everything the batch writes.
 * The file is checkpointed by the worker's background thread; this connection's
 * `wal_autocheckpoint` is only the same backstop (https://sqlite.org/pragma.html#pragma_wal_autocheckpoint).
 */
import { randomUUID } from 'node:crypto';
import { err, ErrorCode, type Result } from '../../core';
import { createSqliteStore, DEFAULT_BACKSTOP_FRAMES } from '../../backend/store/sqlite';
import { secretKeysFromEnv } from '../../backend/secret-box/key-file';
import type { IngestMessage, IngestResult } from '../../cloudfunctions/ingest/messages';
import { createInlineRunner } from '../function-runner';
import { buildLocalFunctions } from './functions';

export interface InlineIngestOptions {
  dataDir: string;
  synchronous?: 'full' | 'normal';
  /** What the functions need besides their store (as the worker's copy gets them). */
  deps: Omit<Parameters<typeof buildLocalFunctions>[0], 'store'>;
}

export interface InlineIngest {
  ingest(messages: IngestMessage[]): Promise<Result<IngestResult>>;
  close(): Promise<void>;
}

export function createInlineIngest(opts: InlineIngestOptions): InlineIngest {
  const store = createSqliteStore({
    dataDir: opts.dataDir,
    synchronous: opts.synchronous,
    keys: secretKeysFromEnv(process.env, opts.dataDir),
    busyTimeoutMs: 0,
    autoCheckpointFrames: DEFAULT_BACKSTOP_FRAMES,
  });
  const { db } = store;
  // Savepoint journals in memory, not in a temporary file: inside the one outer transaction every
  // page a savepoint changes is journalled, two writes per page to a file otherwise
  // (https://sqlite.org/tempfiles.html §2.6, https://sqlite.org/pragma.html#pragma_temp_store).
  // This connection runs no VACUUM or large queries, so what it keeps in memory is one batch's pages.
  db.pragma('temp_store = MEMORY');
  const functions = createInlineRunner(buildLocalFunctions({ ...opts.deps, store }));
  const rollback = () => {
    // Some errors (a full disk, I/O) end the transaction by themselves.
    if (db.inTransaction) db.exec('ROLLBACK');
  };

  return {
    async ingest(messages) {
      try {
        db.exec('BEGIN IMMEDIATE');
      } catch (e) {
        // SQLITE_BUSY: another connection writes. Expected now and then; the worker takes the batch.
        return err(ErrorCode.Unavailable, `inline ingest: ${(e as Error).message}`);
      }
      let result: Result<IngestResult>;
      try {
        result = (await functions.invoke(
          'ingest',
          { action: 'batch', messages },
          { request_id: randomUUID(), caller: { kind: 'service', name: 'broker' } },
        )) as Result<IngestResult>;
      } catch (e) {
        result = err(ErrorCode.Internal, `inline ingest: ${(e as Error).message}`);
      }
      try {
        if (!result.ok) rollback();
        else if (db.inTransaction) db.exec('COMMIT');
        else result = err(ErrorCode.Internal, 'inline ingest: the transaction ended early');
      } catch (e) {
        rollback();
        result = err(ErrorCode.Unavailable, `inline ingest: commit failed: ${(e as Error).message}`);
      }
      return result;
    },
    close: () => store.close(),
  };
}
