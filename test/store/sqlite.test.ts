import { createSqliteStore } from '../../backend/store/sqlite';
import { migrate } from '../../backend/store/sqlite/database';
import { MIGRATIONS } from '../../backend/store/sqlite/migrations';
import { tempDir } from '../helpers/stack';
import { runStoreContract } from './contract';

let dir: ReturnType<typeof tempDir> | undefined;
runStoreContract('SQLite', {
  async open() {
    dir = tempDir();
    return createSqliteStore({ dataDir: dir.path });
  },
  async dispose() {
    dir?.remove();
  },
});

describe('SQLite adapter', () => {
  test('applies each migration once and records it', () => {
    const d = tempDir();
    const store = createSqliteStore({ dataDir: d.path });
    const versions = store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    expect(migrate(store.db)).toEqual([]);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    void store.close();
    d.remove();
  });

  describe('hour rollups (migration 9)', () => {
    const H = 3_600_000;
    const T0 = Date.UTC(2026, 0, 1);
    const id = 'pk0000test1/bed-1';
    const readings = Array.from({ length: 600 }, (_, i) => ({ ts: T0 + 777 + i * 53_000, heartRate: 50 + (i % 70), spo2: 90 + (i % 9) }));
    async function withReadings() {
      const d = tempDir();
      const store = createSqliteStore({ dataDir: d.path });
      await store.createDevice({ productKey: 'pk0000test1', deviceName: 'bed-1', secret: 's3cret-value', bindCode: 'CODEBED100' }, T0);
      await store.appendReadings([{ deviceId: id, receivedAt: T0, readings }]);
      return { d, store };
    }
    const query = (store: ReturnType<typeof createSqliteStore>, w: number) =>
      store.queryBuckets({ segments: [{ deviceId: id, from: T0 + 1_000_000, to: T0 + 8 * H + 5_000 }], widthMs: w });

    test('whole-hour widths are read from readings_1h, others not', async () => {
      const { d, store } = await withReadings();
      const hourly = await query(store, 2 * H);
      const halfHourly = await query(store, 30 * 60_000);
      // Skew one inner hour's row: only the queries the planner sends to the hour level see it.
      store.db.prepare('UPDATE readings_1h SET n = n + 1000 WHERE device_id = 1 AND hour = ?').run(T0 / H + 3);
      expect((await query(store, 2 * H)).map((b) => b.n)).not.toEqual(hourly.map((b) => b.n));
      expect(await query(store, 30 * 60_000)).toEqual(halfHourly);
      await store.close();
      d.remove();
    });

    test('an existing database is backfilled from its minute rollups', async () => {
      const { d, store } = await withReadings();
      const expected = await query(store, 2 * H);
      // Back to the schema before migration 9, then migrate again as an upgraded install would.
      store.db.exec('DROP TABLE readings_1h; DELETE FROM schema_migrations WHERE version = 9');
      expect(migrate(store.db)).toEqual([9]);
      expect((store.db.prepare('SELECT count(*) AS c FROM readings_1h').get() as { c: number }).c).toBe(9);
      await store.close();
      // A fresh connection (prepared statements on the new table) gives the same answers.
      const reopened = createSqliteStore({ dataDir: d.path });
      expect(await query(reopened, 2 * H)).toEqual(expected);
      await reopened.close();
      d.remove();
    });
  });

  test('close is safe to call twice', async () => {
    const d = tempDir();
    const store = createSqliteStore({ dataDir: d.path });
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
    d.remove();
  });
});
