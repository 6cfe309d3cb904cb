/**
 * While the broker thread has time to spare, batches are stored on it (local-cloud/message-flow
 * `inline`) through a connection that never waits for the write lock. Real broker, real MQTT
 * device, the function worker and SQLite with FULL sync in a temp folder; a second SQLite connection in this
 * test holds the write lock to show that the broker thread does not stall on it and that nothing
 * is lost: the batch goes to the worker, which waits for the lock.
 */
import Database from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import { buildRequest, topics } from '../../core/alink';
import { sqliteFile } from '../../backend/store/sqlite';
import { connectDevice, createDevice, endAll, publish, startStack, tempDir } from '../helpers/stack';
import { until } from '../helpers/until';
import type { Stack } from '../../local-cloud/stack';

/**
 * A slow commit (over `slowMs`, 20 ms by default) rests the inline path for 2 s, a loaded CI disk
 * can take that long to fsync, and a busy CI machine makes the broker thread look busy: these tests
 * are about where batches go, not about how fast the machine is, so neither moves them (the gates
 * themselves: test/local-cloud/message-flow).
 */
const patient = { slowMs: 60_000, maxShare: Number.POSITIVE_INFINITY, utilization: () => 0 };

const post = (id: number, ts: number) => buildRequest(String(id), 'thing.event.property.post', { HeartRate: { value: 60 + id, time: ts } });

describe('inline ingest on the broker thread', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  const clients: MqttClient[] = [];

  afterEach(async () => {
    await endAll(clients.splice(0));
    await stack.close();
    dir.remove();
  });

  test('a lone reading is stored on the broker thread and readable when its PUBACK arrives', async () => {
    dir = tempDir();
    stack = await startStack(dir.path, { functionsIn: 'worker', synchronous: 'full', inlineIngest: patient });
    const dev = await createDevice(stack);
    clients.push(await connectDevice(stack, dev));
    const ts = Date.now() - 60_000;
    for (let i = 0; i < 3; i++) {
      await publish(clients[0], topics.propertyPost(dev), post(i, ts + i * 1000));
      // Through the main store's own connection, right at the PUBACK: committed.
      const rows = await stack.store.queryRaw({ segments: [{ deviceId: dev.deviceId, from: ts + i * 1000, to: ts + i * 1000 + 1 }], limit: 1 });
      expect(rows.map((r) => r.heartRate)).toEqual([60 + i]);
    }
    expect(stack.flow.stats.inlineBatches).toBeGreaterThanOrEqual(3);
    expect(stack.flow.stats.inlineFallbacks).toBe(0);
  });

  test('with inlineIngest false every batch goes to the worker', async () => {
    dir = tempDir();
    stack = await startStack(dir.path, { functionsIn: 'worker', inlineIngest: false });
    const dev = await createDevice(stack);
    clients.push(await connectDevice(stack, dev));
    await publish(clients[0], topics.propertyPost(dev), post(1, Date.now() - 1000));
    expect(stack.flow.stats.inlineBatches).toBe(0);
    expect(stack.flow.stats.stored).toBe(1);
  });

  test('while another connection holds the write lock the broker keeps answering; the reading is stored by the worker after', async () => {
    dir = tempDir();
    stack = await startStack(dir.path, { functionsIn: 'worker', synchronous: 'full', inlineIngest: patient });
    const dev = await createDevice(stack);
    const other = await createDevice(stack);
    clients.push(await connectDevice(stack, dev));
    const ts = Date.now() - 60_000;
    // Settles the device's presence write first, so the lock below meets only the reading.
    await publish(clients[0], topics.propertyPost(dev), post(0, ts));

    const locker = new Database(sqliteFile(dir.path));
    locker.pragma('busy_timeout = 5000');
    locker.exec('BEGIN IMMEDIATE');
    let acked = false;
    const pending = publish(clients[0], topics.propertyPost(dev), post(1, ts + 1000)).then(() => {
      acked = true;
    });
    try {
      // At once, not after a lock wait (busy_timeout 0): the broker thread did not block.
      await until(() => stack.flow.stats.inlineFallbacks >= 1, 'the inline path to give the batch to the worker', 1500);
      // The broker thread is free: another device logs in and is acknowledged meanwhile.
      const started = Date.now();
      clients.push(await connectDevice(stack, other));
      expect(Date.now() - started).toBeLessThan(2000);
      expect(acked).toBe(false); // not stored yet, so not acknowledged
    } finally {
      locker.exec('COMMIT');
      locker.close();
    }
    await pending;
    const rows = await stack.store.queryRaw({ segments: [{ deviceId: dev.deviceId, from: ts, to: ts + 2000 }], limit: 10 });
    expect(rows.map((r) => r.heartRate)).toEqual([60, 61]);
    expect(stack.flow.stats.failedBatches).toBe(0);
  }, 20_000);
});
