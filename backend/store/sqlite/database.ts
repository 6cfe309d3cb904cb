/** Opening the SQLite file and bringing its schema up to date. */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretKeys } from '../../secret-box';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

export interface OpenOptions {
  /** Database file path; its folder is created if missing. `:memory:` for a throwaway store. */
  file: string;
  /**
   * SQLite `synchronous` in WAL mode. `full` (default) makes every committed batch survive a power
   * loss; `normal` survives a process crash only, and is faster on slow disks.
   */
  synchronous?: 'full' | 'normal';
  /**
   * How long a statement waits for another connection's write lock before failing with
   * `SQLITE_BUSY`, ms (https://sqlite.org/pragma.html#pragma_busy_timeout). Default 5000. The
   * stack's broker-thread ingest connection uses 0: it must never stall the broker, and a batch
   * it cannot store at once goes to the function worker instead.
   */
  busyTimeoutMs?: number;
  /**
   * SQLite's `wal_autocheckpoint` for this connection, frames
   * (https://sqlite.org/pragma.html#pragma_wal_autocheckpoint). Default SQLite's 1000. A connection
   * whose file is checkpointed by another connection's background thread sets its backstop here.
   */
  autoCheckpointFrames?: number;
}

/**
 * A write transaction: `BEGIN IMMEDIATE`, so it takes the write lock before its first read and
 * waits for it under `busy_timeout`. A deferred one that read first could fail with
 * `SQLITE_BUSY_SNAPSHOT` (no wait) when another connection commits between its read and its
 * first write (https://sqlite.org/lang_transaction.html, https://sqlite.org/rescode.html#busy_snapshot);
 * the function worker and the broker thread both write the file. Nested calls become savepoints.
 */
// biome-ignore lint/suspicious/noExplicitAny: better-sqlite3's own bound for a transaction's function
export function writeTransaction<F extends (...args: any[]) => unknown>(db: Db, fn: F): Database.Transaction<F>['immediate'] {
  return db.transaction(fn).immediate;
}

export function openDatabase(opts: OpenOptions & { keys: SecretKeys }): Db {
  if (opts.file !== ':memory:') mkdirSync(dirname(opts.file), { recursive: true });
  const db = new Database(opts.file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma('foreign_keys = ON');
  // Another connection (the other thread, the CLI) may hold the write lock briefly; wait instead of failing.
  db.pragma(`busy_timeout = ${Math.max(0, Math.round(opts.busyTimeoutMs ?? 5000))}`);
  if (opts.autoCheckpointFrames !== undefined) db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.round(opts.autoCheckpointFrames))}`);
  const applied = migrate(db, opts.keys);
  if (opts.file !== ':memory:' && MIGRATIONS.some((m) => m.scrub && applied.includes(m.version))) {
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  return db;
}

/** Applies pending migrations; returns the versions applied now. */
export function migrate(db: Db, keys?: SecretKeys): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  const applied: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    writeTransaction(db, () => {
      if (m.sql) db.exec(m.sql);
      if (m.run) {
        if (!keys) throw new Error(`migration ${m.version} needs the secrets key ring`);
        m.run(db, keys);
      }
      record.run(m.version, m.name, Date.now());
    })();
    applied.push(m.version);
  }
  return applied;
}
