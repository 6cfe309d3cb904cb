import { createSqliteStore, sqliteFile } from '../../backend/store/sqlite';
import { migrate } from '../../backend/store/sqlite/database';
import { MIGRATIONS } from '../../backend/store/sqlite/migrations';
import Database from 'better-sqlite3';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/stack';
import { testKeys } from '../helpers/secret-keys';
import { runStoreContract } from './contract';

/** Every row of every table, as text (what someone holding the file could read). */
function dumpSqlite(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
    return tables.map((t) => `${t.name}: ${JSON.stringify(db.prepare(`SELECT * FROM "${t.name}"`).all())}`).join('\n');
  } finally {
    db.close();
  }
}

let dir: ReturnType<typeof tempDir> | undefined;
const file = () => sqliteFile(dir!.path);
runStoreContract('SQLite', {
  async open() {
    dir = tempDir();
    return createSqliteStore({ dataDir: dir.path, keys: testKeys() });
  },
  secrets: () => ({
    raw: async () => dumpSqlite(file()),
    reopen: async (keys) => createSqliteStore({ dataDir: dir!.path, keys }),
    // As a database of schema version 7 holds them; migration 8 then runs again at the next open.
    async seedLegacy(d, i) {
      const db = new Database(file());
      db.prepare('INSERT INTO devices (product_key, device_name, secret, label, login_policy, created_at, bind_code) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        d.productKey,
        d.deviceName,
        d.secret,
        '',
        'compat',
        d.createdAt,
        d.bindCode,
      );
      db.prepare('INSERT INTO invites (code, patient_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(
        i.code,
        i.patientId,
        i.createdBy,
        i.createdAt,
        i.expiresAt,
      );
      db.prepare('DELETE FROM schema_migrations WHERE version = 8').run();
      db.close();
    },
  }),
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

  describe('hour rollups (migration 11)', () => {
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
      // Back to the schema before migration 11, then migrate again as an upgraded install would.
      store.db.exec('DROP TABLE readings_1h; DELETE FROM schema_migrations WHERE version = 11');
      expect(migrate(store.db)).toEqual([11]);
      expect((store.db.prepare('SELECT count(*) AS c FROM readings_1h').get() as { c: number }).c).toBe(9);
      await store.close();
      // A fresh connection (prepared statements on the new table) gives the same answers.
      const reopened = createSqliteStore({ dataDir: d.path });
      expect(await query(reopened, 2 * H)).toEqual(expected);
      await reopened.close();
      d.remove();
    });
  });

  test('migration 12 moves the per-device counters out of devices, keeping every count and last reading', async () => {
    const T0 = Date.UTC(2026, 0, 1);
    const d = tempDir();
    const store = createSqliteStore({ dataDir: d.path });
    for (const n of [1, 2, 3]) {
      await store.createDevice({ productKey: 'pk0000test1', deviceName: `bed-${n}`, secret: 's3cret-value', bindCode: `CODEBED${n}00` }, T0);
    }
    const post = (n: number, k: number) => ({
      deviceId: `pk0000test1/bed-${n}`,
      receivedAt: T0,
      readings: Array.from({ length: k }, (_, i) => ({ ts: T0 + i * 1000, heartRate: 60 + i })),
    });
    await store.appendReadings([post(1, 3), post(2, 1)]);
    const before = await Promise.all([1, 2, 3].map((n) => store.deviceStatus(`pk0000test1/bed-${n}`)));
    // Back to the schema before migration 12, counters in devices, as an upgraded install has it.
    store.db.exec(`
      ALTER TABLE devices ADD COLUMN last_ts INTEGER;
      ALTER TABLE devices ADD COLUMN reading_count INTEGER NOT NULL DEFAULT 0;
      UPDATE devices SET reading_count = coalesce((SELECT reading_count FROM device_counters WHERE device_id = devices.id), 0),
        last_ts = (SELECT last_ts FROM device_counters WHERE device_id = devices.id);
      DROP TABLE device_counters;
      DELETE FROM schema_migrations WHERE version IN (12, 16);
    `);
    // Migration 16 adds a column to the table 12 creates: an install from before 12 gets both.
    expect(migrate(store.db)).toEqual([12, 16]);
    await store.close();
    const reopened = createSqliteStore({ dataDir: d.path });
    expect(await Promise.all([1, 2, 3].map((n) => reopened.deviceStatus(`pk0000test1/bed-${n}`)))).toEqual(before);
    expect(before.map((s) => s?.readings)).toEqual([3, 1, 0]);
    expect(before[0]?.lastReading).toEqual({ ts: T0 + 2000, heartRate: 62 });
    expect(await reopened.stats()).toEqual({ devices: 3, readings: 4 });
    // Counting goes on where it stopped.
    await reopened.appendReadings([post(3, 2), { ...post(1, 1), readings: [{ ts: T0 + 9000, heartRate: 70 }] }]);
    expect((await reopened.deviceStatus('pk0000test1/bed-1'))?.readings).toBe(4);
    expect((await reopened.stats()).readings).toBe(7);
    await reopened.close();
    d.remove();
  });

  describe('redelivery of readings at device times (migration 13)', () => {
    const T0 = Date.UTC(2026, 0, 1);
    const id = 'pk0000test1/bed-1';
    const item = (n: number, receivedAt = T0 + n) => ({
      deviceId: id,
      msgId: String(n),
      fingerprint: `fp${n}`,
      receivedAt,
      timed: true,
      readings: [{ ts: T0 + n * 1000, heartRate: 60 + n }],
    });
    const idRows = (store: ReturnType<typeof createSqliteStore>) => (store.db.prepare('SELECT count(*) AS c FROM message_ids').get() as { c: number }).c;
    async function open() {
      const d = tempDir();
      const store = createSqliteStore({ dataDir: d.path });
      await store.createDevice({ productKey: 'pk0000test1', deviceName: 'bed-1', secret: 's3cret-value', bindCode: 'CODEBED100' }, T0);
      return { d, store };
    }

    test('is recognised from the rows the message wrote, with no id row of its own', async () => {
      const { d, store } = await open();
      const batch = Array.from({ length: 50 }, (_, n) => item(n));
      expect((await store.appendReadings(batch)).duplicate.every((x) => !x)).toBe(true);
      expect(idRows(store)).toBe(0);
      // The same messages again, a minute later: every one a duplicate, nothing added.
      const again = await store.appendReadings(batch.map((m) => ({ ...m, receivedAt: m.receivedAt + 60_000 })));
      expect(again).toEqual({ duplicate: batch.map(() => true), written: 0 });
      expect((await store.deviceStatus(id))?.readings).toBe(50);
      // Readings at the receive time still need the id table.
      await store.appendReadings([{ ...item(99), timed: false }]);
      expect(idRows(store)).toBe(1);
      // So does an item with no readings to be recognised by (ingest sends none, but the store takes them).
      const empty = { ...item(100), readings: [] };
      expect((await store.appendReadings([empty, empty])).duplicate).toEqual([false, true]);
      expect(idRows(store)).toBe(2);
      await store.close();
      d.remove();
    });

    test('a message stored before the upgrade is recognised from the id table', async () => {
      const { d, store } = await open();
      await store.appendReadings([{ ...item(1), timed: false }]);
      // As a database of schema version 12 held it: an id row, and a reading row without a key.
      store.db.exec('UPDATE readings SET msg_key = NULL');
      expect((await store.appendReadings([{ ...item(1), receivedAt: T0 + 5000 }])).duplicate).toEqual([true]);
      // An unknown message for that instant is no duplicate: it merges, and is recognised next time.
      const other = { ...item(2), readings: [{ ts: T0 + 1000, spo2: 97 }] };
      expect((await store.appendReadings([other])).duplicate).toEqual([false]);
      expect((await store.appendReadings([other])).duplicate).toEqual([true]);
      expect(await store.queryRaw({ segments: [{ deviceId: id, from: T0, to: T0 + 2000 }], limit: 5 })).toEqual([{ ts: T0 + 1000, heartRate: 61, spo2: 97 }]);
      await store.close();
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

describe('SQLite migration 8 (secrets at rest)', () => {
  test('a version-7 database is converted at open, and the plain values are gone from the files', () => {
    const d = tempDir();
    try {
      // A database as version 7 left it: plain secret, bind code and invite code.
      const legacy = new Database(sqliteFile(d.path));
      legacy.pragma('journal_mode = WAL');
      legacy.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
      for (const m of MIGRATIONS.filter((x) => x.version < 8)) {
        legacy.exec(m.sql!);
        legacy.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
      }
      legacy
        .prepare(
          'INSERT INTO devices (product_key, device_name, secret, created_at, bind_code) ' +
            "VALUES ('pk0000test1', 'bed-1', 'PlainLegacySecret0001', 0, 'PLAINBIND7')",
        )
        .run();
      legacy.prepare("INSERT INTO patients (id, name, sex, notes, created_at) VALUES ('p1', 'P', 'female', '', 0)").run();
      legacy.prepare("INSERT INTO invites (code, patient_id, created_by, created_at, expires_at) VALUES ('PLAININV', 'p1', 'u', 0, 9e15)").run();
      legacy.close();
      const store = createSqliteStore({ dataDir: d.path, keys: testKeys() });
      const files = readdirSync(d.path).filter((f) => f.startsWith('monitor.db'));
      const bytes = Buffer.concat(files.map((f) => readFileSync(join(d.path, f)))).toString('latin1');
      for (const plain of ['PlainLegacySecret0001', 'PLAINBIND7', 'PLAININV']) expect(bytes).not.toContain(plain);
      expect(store.db.prepare('SELECT version FROM schema_migrations WHERE version = 8').get()).toEqual({ version: 8 });
      void store.close();
    } finally {
      d.remove();
    }
  });

  test('without a key given, the store keeps one in secrets.key (0600) beside the database and reuses it', async () => {
    const d = tempDir();
    try {
      const a = createSqliteStore({ dataDir: d.path });
      await a.createDevice({ productKey: 'pk0000test1', deviceName: 'bed-1', secret: 'kept-secret', bindCode: 'ABCDEF1234' }, 0);
      await a.close();
      expect(statSync(join(d.path, 'secrets.key')).mode & 0o777).toBe(0o600);
      const b = createSqliteStore({ dataDir: d.path });
      expect((await b.getDevice('pk0000test1/bed-1'))?.secret).toBe('kept-secret');
      await b.close();
      expect(() => createSqliteStore({ dataDir: d.path, keys: testKeys('wrong') })).toThrow(/sealed with key "local1"/);
    } finally {
      d.remove();
    }
  });
});

test('a store opened on a folder that does not exist yet creates it and its key file', async () => {
  const d = tempDir();
  try {
    const store = createSqliteStore({ dataDir: join(d.path, 'new', 'data') });
    await store.createDevice({ productKey: 'pk0000test1', deviceName: 'bed-1', secret: 's', bindCode: 'ABCDEF1234' }, 0);
    await store.close();
    expect(statSync(join(d.path, 'new', 'data', 'secrets.key')).mode & 0o777).toBe(0o600);
  } finally {
    d.remove();
  }
});
