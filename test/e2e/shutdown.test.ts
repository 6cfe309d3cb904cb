/** Orderly shutdown: every reading the broker acknowledged is in storage afterwards. */
import { buildRequest, topics } from '../../core/alink';
import { createSqliteStore } from '../../backend/store/sqlite';
import { connectDevice, createDevice, startStack, tempDir } from '../helpers/stack';

test('closing the stack while devices publish loses no acknowledged reading', async () => {
  const dir = tempDir();
  const stack = await startStack(dir.path, { rateLimit: { perSecond: 10_000, burst: 10_000 } });
  const devs = await Promise.all([1, 2, 3].map(() => createDevice(stack)));
  const clients = await Promise.all(devs.map((d) => connectDevice(stack, d)));
  const acked = new Map<string, number>();
  const t0 = Date.now() - 3_600_000;
  let stop = false;
  let trafficUp: () => void = () => undefined;
  const busy = new Promise<void>((r) => (trafficUp = r));
  const pumps = clients.map(async (c, k) => {
    for (let i = 0; !stop && i < 5000; i++) {
      const ok = await new Promise<boolean>((resolve) =>
        c.publish(
          topics.propertyPost(devs[k]),
          buildRequest(String(i), 'thing.event.property.post', { HeartRate: { value: 70, time: t0 + i } }),
          { qos: 1 },
          (e) => resolve(!e),
        ),
      );
      if (!ok) break;
      acked.set(devs[k].deviceId, (acked.get(devs[k].deviceId) ?? 0) + 1);
      if ([...acked.values()].reduce((a, b) => a + b, 0) >= 300) trafficUp();
    }
  });
  await busy; // pull the plug while all three devices are mid-stream
  await stack.close();
  stop = true;
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await Promise.all(pumps);

  const store = createSqliteStore({ dataDir: dir.path });
  for (const d of devs) {
    const stored = (await store.deviceStatus(d.deviceId))?.readings ?? 0;
    expect(acked.get(d.deviceId) ?? 0).toBeGreaterThan(0);
    expect(stored).toBeGreaterThanOrEqual(acked.get(d.deviceId) ?? 0);
  }
  await store.close();
  dir.remove();
});
