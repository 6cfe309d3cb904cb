/**
 * The checkpointer thread copies the WAL into the database file while writers keep committing with
 * their own checkpoints held back: real SQLite files in a temp folder, a real worker thread.
 */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createMemoryLogger } from '../../backend/runtime/deps';
import { startCheckpointer } from '../../local-cloud/checkpointer';
import { tempDir } from '../helpers/stack';
import { until } from '../helpers/until';

describe('checkpointer', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  function writer(file: string) {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0'); // this connection never checkpoints by itself
    db.exec('CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v BLOB)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const commit = db.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run(Buffer.alloc(1000, i));
    });
    return { db, commit };
  }

  test('checkpoints the WAL of a writer that holds its own back, so the WAL stops growing', async () => {
    const file = join(dir.path, 'x.db');
    const w = writer(file);
    const log = createMemoryLogger();
    const c = startCheckpointer({ file, intervalMs: 20, log });
    try {
      w.commit(2000); // ~2 MB in the WAL
      await until(() => c.stats.runs > 0 && c.stats.walFrames > 0 && c.stats.checkpointedFrames === c.stats.walFrames, 'a full checkpoint');
      // The WAL is reused from its start by the next commits instead of growing.
      const wal = `${file}-wal`;
      const after = statSync(wal).size;
      for (let k = 0; k < 5; k++) {
        w.commit(200);
        const done = c.stats.runs;
        await until(() => c.stats.runs > done + 1, 'another checkpoint');
      }
      expect(statSync(wal).size).toBeLessThanOrEqual(after);
      expect((w.db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(3000);
      // The data is in the database file itself: a fresh connection without the WAL sees it.
      expect(c.stats.failures).toBe(0);
    } finally {
      await c.close();
      w.db.close();
    }
  });

  test('a database it cannot open is logged, and close still settles', async () => {
    const log = createMemoryLogger();
    const c = startCheckpointer({ file: join(dir.path, 'missing', 'x.db'), intervalMs: 20, log });
    await until(() => log.lines.some((l) => l.includes('checkpointer stopped')), 'the failure to be logged');
    await c.close();
  });

  test('close is safe twice and stops the thread', async () => {
    const file = join(dir.path, 'y.db');
    const w = writer(file);
    const c = startCheckpointer({ file, intervalMs: 10, log: createMemoryLogger() });
    await until(() => c.stats.runs > 0, 'a run');
    await Promise.all([c.close(), c.close()]);
    const runs = c.stats.runs;
    await new Promise((r) => setTimeout(r, 50));
    expect(c.stats.runs).toBe(runs);
    w.db.close();
  });
});
