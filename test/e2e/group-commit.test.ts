/**
 * Group commit keeps "acknowledged means committed" (docs/performance.md): many devices publish
 * at once through the real broker, message flow, ingest (in its worker thread, or on the broker
 * thread while it has time to spare: test/e2e/inline-ingest) and SQLite with FULL
 * sync, so batches grow and wait for each other; at the moment each PUBACK arrives, its reading
 * must already be readable from the database file, and in the end nothing acknowledged is missing.
 */
import type { MqttClient } from 'mqtt';
import { buildRequest, topics } from '../../core/alink';
import type { Reading } from '../../core';
import { createDevice, connectDevice, endAll, startStack, tempDir } from '../helpers/stack';
import type { Stack } from '../../local-cloud/stack';

const DEVICES = 20;
const PER_DEVICE = 25;
const WINDOW = 5;

describe('group commit under concurrent publishers', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  const clients: MqttClient[] = [];

  beforeEach(async () => {
    dir = tempDir();
    stack = await startStack(dir.path, { functionsIn: 'worker', synchronous: 'full' });
  });
  afterEach(async () => {
    await endAll(clients.splice(0));
    await stack.close();
    dir.remove();
  });

  test('every acknowledged reading is stored when its PUBACK arrives, none lost, batches grew', async () => {
    const devices = [];
    for (let k = 0; k < DEVICES; k++) devices.push(await createDevice(stack));
    for (const d of devices) clients.push(await connectDevice(stack, d));
    const t0 = Date.now() - 3_600_000;
    const missingAtAck: string[] = [];
    const checks: Array<Promise<void>> = [];

    await Promise.all(
      devices.map(
        (dev, k) =>
          new Promise<void>((resolve, reject) => {
            let sent = 0;
            let acked = 0;
            const next = () => {
              while (sent < PER_DEVICE && sent - acked < WINDOW) {
                const i = sent++;
                const ts = t0 + i * 1000;
                const body = buildRequest(String(i), 'thing.event.property.post', { HeartRate: { value: 60 + i, time: ts } });
                clients[k].publish(topics.propertyPost(dev), body, { qos: 1 }, (e) => {
                  if (e) return reject(e);
                  // Read through the main thread's own connection: the worker's commit must be visible.
                  checks.push(
                    stack.store.queryRaw({ segments: [{ deviceId: dev.deviceId, from: ts, to: ts + 1 }], limit: 1 }).then((rows: Reading[]) => {
                      if (rows.length !== 1 || rows[0].heartRate !== 60 + i) missingAtAck.push(`${dev.deviceId}@${i}`);
                    }),
                  );
                  if (++acked === PER_DEVICE) resolve();
                  else next();
                });
              }
            };
            next();
          }),
      ),
    );
    await Promise.all(checks);
    expect(missingAtAck).toEqual([]);
    for (const dev of devices) {
      expect(await stack.store.countReadings([{ deviceId: dev.deviceId, from: t0, to: t0 + PER_DEVICE * 1000 }], 1000)).toBe(PER_DEVICE);
    }
    const { batches, messages, failedBatches } = stack.flow.stats;
    expect(failedBatches).toBe(0);
    expect(messages).toBeGreaterThanOrEqual(DEVICES * PER_DEVICE);
    // Concurrent publishers share commits: far fewer batches than messages.
    expect(batches).toBeLessThan(messages / 2);
  }, 60_000);
});
