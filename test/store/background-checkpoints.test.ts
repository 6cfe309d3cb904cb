/**
 * Background checkpoints on a real SQLite file: a second connection in its own thread copies the
 * WAL into the database file while the store writes, the WAL restarts, nothing written is lost,
 * and a checkpointer that cannot work is reported while the store goes on writing.
 */
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { createSqliteStore, sqliteFile } from '../../backend/store/sqlite';
import { startBackgroundCheckpoints } from '../../backend/store/sqlite/background-checkpoints';
import { tempDir } from '../helpers/stack';
import { testKeys } from '../helpers/secret-keys';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const T0 = Date.UTC(2026, 10, 1);

let dir: ReturnType<typeof tempDir>;
/** Closed after each test, also when an assertion failed half-way. */
const open: Array<{ close(): unknown }> = [];
beforeEach(() => {
  dir = tempDir();
});
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
  dir.remove();
});
function track<T extends { close(): unknown }>(c: T): T {
  open.push(c);
  return c;
}

/** Writes `batches` batches of readings from `devices` devices, pausing between commits as ingest does. */
async function write(store: ReturnType<typeof createSqliteStore>, ids: string[], batches: number, from = 0): Promise<number> {
  let rows = 0;
  for (let b = from; b < from + batches; b++) {
    const items = ids.map((deviceId, i) => ({
      deviceId,
      msgId: `${b}-${i}`,
      fingerprint: `f${b}-${i}`,
      receivedAt: T0 + b * 1000,
      readings: [{ ts: T0 + b * 1000, temperature: 36.5, heartRate: 60 + (b % 40), spo2: 97 }],
    }));
    rows += (await store.appendReadings(items)).written;
    await sleep(2);
  }
  return rows;
}

async function devices(store: ReturnType<typeof createSqliteStore>, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await store.createDevice({ deviceName: `d${i}`, productKey: 'pk', secret: 's'.repeat(32), bindCode: `B${i}` }, T0)).id);
  return ids;
}

test('the thread copies the WAL and it restarts, without the writer checkpointing at all', async () => {
  const file = sqliteFile(dir.path);
  // A backstop the writer never reaches: every frame copied here was copied by the thread.
  const store = track(
    createSqliteStore({
      dataDir: dir.path,
      keys: testKeys(),
      backgroundCheckpoints: { targetFrames: 40, minIntervalMs: 1, maxIntervalMs: 20, backstopFrames: 1_000_000 },
    }),
  );
  expect(store.checkpoints).toBeDefined();
  expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000_000);
  const ids = await devices(store, 50);
  const before = statSync(file).size;
  const rows = await write(store, ids, 120);
  await sleep(100);
  const stats = await store.checkpoints!.stats();
  expect(stats.errors).toBe(0);
  expect(stats.framesCopied).toBeGreaterThan(500);
  expect(stats.restarts).toBeGreaterThan(3);
  // The pages reached the database file, and the WAL started over instead of holding every frame
  // written (the thread copied them all: the writer never checkpoints here).
  expect(statSync(file).size).toBeGreaterThan(before);
  // (No one generation of the WAL held all the frames copied. Not a tighter fraction: when other
  // jobs load the machine the thread can fall behind for a while, and did in ~1 of 5 such runs.)
  expect(stats.maxLog).toBeLessThan(stats.framesCopied);
  expect(statSync(`${file}-wal`).size).toBeLessThan(stats.framesCopied * 4096);
  expect(rows).toBe(50 * 120);

  await store.close();
  // The writer closed last: it checkpointed the rest and removed the WAL, as without the thread.
  expect(existsSync(`${file}-wal`)).toBe(false);
  const reopened = track(createSqliteStore({ dataDir: dir.path, keys: testKeys() }));
  expect((await reopened.stats()).readings).toBe(50 * 120);
});

test('a stopped thread hands checkpoints back to the writer', async () => {
  const db = track(new Database(sqliteFile(dir.path)));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (x)');
  const bg = startBackgroundCheckpoints(db, { targetFrames: 10, minIntervalMs: 1, maxIntervalMs: 10 });
  track({ close: () => bg.stop() });
  expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(40);
  for (let i = 0; i < 30; i++) {
    db.prepare('INSERT INTO t VALUES (?)').run(i);
    await sleep(2);
  }
  await sleep(30);
  expect((await bg.stats()).runs).toBeGreaterThan(0);
  await bg.stop();
  await bg.stop();
  expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  // Asked after the stop, the last figures come back instead of a wait for a thread that is gone.
  expect((await bg.stats()).runs).toBeGreaterThan(0);
  db.close();
});

test('a checkpointer that cannot get at the file is reported, and the store goes on writing', async () => {
  const store = track(createSqliteStore({ dataDir: dir.path, keys: testKeys() }));
  // An exclusive lock (e.g. a maintenance tool) keeps any second connection out.
  store.db.pragma('locking_mode = EXCLUSIVE');
  const ids = await devices(store, 5);
  const errors: Error[] = [];
  const bg = startBackgroundCheckpoints(store.db, { targetFrames: 10, minIntervalMs: 1, maxIntervalMs: 5, onError: (e) => errors.push(e) });
  track({ close: () => bg.stop() });
  for (let i = 0; i < 50 && errors.length === 0; i++) await sleep(20);
  expect(errors.length).toBeGreaterThan(0);
  expect(errors[0]!.message).toMatch(/background checkpoint failed: cannot open .*monitor\.db: database is locked/);
  // The thread ended; the writer checkpoints inline again, at SQLite's default threshold.
  for (let i = 0; i < 50 && errors.length < 2; i++) await sleep(20);
  expect(errors[1]!.message).toMatch(/checkpointing inline/);
  expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  expect(await write(store, ids, 5)).toBe(25);
  await bg.stop();
  await store.close();
});

test('options are checked, and an in-memory store has no thread', async () => {
  const db = new Database(sqliteFile(dir.path));
  db.pragma('journal_mode = WAL');
  expect(() => startBackgroundCheckpoints(db, { targetFrames: 0 })).toThrow(RangeError);
  expect(() => startBackgroundCheckpoints(db, { minIntervalMs: 50, maxIntervalMs: 10 })).toThrow(/maxIntervalMs/);
  expect(() => startBackgroundCheckpoints(db, { backstopFrames: Number.NaN })).toThrow(/backstopFrames/);
  db.close();
  const mem = new Database(':memory:');
  expect(() => startBackgroundCheckpoints(mem)).toThrow(/database file/);
  mem.close();
  // Refused by the store too, which then leaves the file closed (a second open works at once).
  expect(() => createSqliteStore({ dataDir: dir.path, keys: testKeys(), backgroundCheckpoints: { targetFrames: -1 } })).toThrow(RangeError);
  const reopened = createSqliteStore({ dataDir: dir.path, keys: testKeys() });
  reopened.db.pragma('locking_mode = EXCLUSIVE');
  await reopened.createDevice({ deviceName: 'd', productKey: 'pk', secret: 's'.repeat(32), bindCode: 'B' }, T0);
  await reopened.close();
  const store = createSqliteStore({ file: ':memory:', backgroundCheckpoints: true });
  expect(store.checkpoints).toBeUndefined();
  await store.close();
});
