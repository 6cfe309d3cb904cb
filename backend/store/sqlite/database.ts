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
}

export function openDatabase(opts: OpenOptions & { keys: SecretKeys }): Db {
  if (opts.file !== ':memory:') mkdirSync(dirname(opts.file), { recursive: true });
  const db = new Database(opts.file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma('foreign_keys = ON');
  // Another process (the CLI) may hold the write lock briefly; wait instead of failing.
  db.pragma('busy_timeout = 5000');
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
    db.transaction(() => {
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
