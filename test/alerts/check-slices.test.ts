/**
 * The periodic alert check (`alerts.check`) over a fleet: it looks at bound devices only, and it
 * lets other work run between groups of devices — on the local host ingest shares the worker
 * thread with it, and a check over thousands of devices in one piece held every PUBACK back.
 * Real SQLite store in a temp folder; delivery logs instead of sending WeChat messages.
 */
import { createAlertDelivery, createAlertEngine, createLoggingWechatSender } from '../../backend/alerts';
import { createMemoryLogger } from '../../backend/runtime/deps';
import { createSqliteStore } from '../../backend/store/sqlite';
import { tempDir } from '../helpers/stack';
import { testKeys } from '../helpers/secret-keys';

const T0 = Date.UTC(2026, 10, 30, 8);

test('raises "no data" for every silent bound device, none for unbound ones, pausing between slices', async () => {
  const dir = tempDir();
  const store = createSqliteStore({ dataDir: dir.path, keys: testKeys() });
  try {
    const log = createMemoryLogger();
    const delivery = createAlertDelivery({ store, log, sender: createLoggingWechatSender(log), config: { templateId: 'tmpl1' } });
    const owner = await store.userForOpenid('o-owner', 'owner', T0);
    for (let p = 0; p < 4; p++) await store.createPatient({ id: `p${p}`, name: `P${p}`, sex: 'female', notes: '', createdAt: T0 }, owner.id);
    for (let k = 0; k < 160; k++) {
      const d = await store.createDevice(
        { productKey: 'pk0000test1', deviceName: `bed.${k}`, secret: 's3cret-value', bindCode: `B${String(k).padStart(9, '0')}` },
        T0,
      );
      if (k % 2 === 0) await store.bindDevice(d.id, `p${k % 4}`, owner.id, T0); // 80 bound, 80 not
    }
    let pauses = 0;
    let otherWorkRan = false;
    const engine = createAlertEngine({
      store,
      now: () => T0 + 3_600_000, // an hour of silence
      log,
      delivery,
      pause: () => {
        pauses++;
        return new Promise<void>((r) => setImmediate(r));
      },
    });
    setImmediate(() => {
      otherWorkRan = true;
    });
    const checking = engine.check();
    const counts = await checking;
    expect(counts.raised).toBe(80 * 2); // "no data" and "offline" for each bound device
    expect(pauses).toBeGreaterThanOrEqual(Math.floor(80 / 50));
    expect(otherWorkRan).toBe(true);
    const active = await Promise.all([0, 1, 2, 3].map((p) => store.activeAlerts(`p${p}`)));
    expect(active.flat().filter((a) => a.kind === 'no-data')).toHaveLength(80);
  } finally {
    await store.close();
    dir.remove();
  }
});
