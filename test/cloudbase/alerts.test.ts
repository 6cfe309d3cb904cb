/**
 * Alerts on CloudBase: the built `alerts` bundle called as the platform calls it (its timer
 * trigger: a Timer event and no person; a WeChat user who follows no patient), and the alert
 * engine over the CloudBase store adapter (the local stand-in): raise, upgrade, resolve, "no data".
 */
import type { Result } from '../../core';
import type { AlertRecord } from '../../core/alerts';
import { createAlertDelivery, createAlertEngine, createLoggingWechatSender } from '../../backend/alerts';
import { createMemoryLogger } from '../../backend/runtime/deps';
import { standInStore } from '../helpers/cloudbase-store';
import { type CloudbaseServer, startCloudbaseServer } from '../helpers/cloudbase-server';
import { buildBundles, type BuiltBundles } from './bundles';
import { environmentContext, scfEnvironment, wechatCall, withEnv } from './scf';

type Main = (event: unknown, context?: unknown) => Promise<Result<unknown>>;

let server: CloudbaseServer;
let bundles: BuiltBundles;
let main: Main;

beforeAll(async () => {
  server = await startCloudbaseServer();
  bundles = await buildBundles();
  main = (require(bundles.file('alerts')) as { main: Main }).main;
}, 60_000);
afterAll(async () => {
  bundles?.remove();
  await server?.close();
});

describe('the built alerts function on CloudBase', () => {
  const call = (event: unknown, context?: unknown) => withEnv(scfEnvironment(server), () => main(event, context));

  test('its timer trigger (a Timer event, no person) runs the check', async () => {
    const timer = { Type: 'Timer', TriggerName: 'alertsCheck', Time: '2026-01-01T00:00:00Z', Message: '' };
    const r = await call(timer, environmentContext('alerts', { TCB_SOURCE: 'wx_trigger', WX_CONTEXT_KEYS: '' }));
    expect(r).toEqual({ ok: true, data: { raised: 0, resolved: 0, escalated: 0 } });
  });

  test('a person cannot run the check or see a patient they do not follow', async () => {
    const alice = 'oAlice_0000000000000000000009';
    await call({ action: 'check' }, wechatCall('alerts', alice)).then((r) => expect(r).toMatchObject({ ok: false, code: 'FORBIDDEN' }));
    // A Timer-shaped event from a person is an ordinary (unknown) action of that person, not the timer.
    await call({ Type: 'Timer' }, wechatCall('alerts', alice)).then((r) => expect(r).toMatchObject({ ok: false }));
    // auth first, so the person exists.
    const auth = (require(bundles.file('auth')) as { main: Main }).main;
    await withEnv(scfEnvironment(server), () => auth({ action: 'login', name: 'Alice' }, wechatCall('auth', alice)));
    await call({ action: 'active', patientId: 'p_nobody' }, wechatCall('alerts', alice)).then((r) => expect(r).toMatchObject({ ok: false, code: 'NOT_FOUND' }));
  });
});

describe('the alert engine over the CloudBase store', () => {
  const T0 = Date.UTC(2026, 0, 1);
  type Store = ReturnType<typeof standInStore>;
  /**
   * A store on collections of its own (`wrap` may hold some of its calls back), an engine with
   * WeChat deliveries logged and publishes recorded, and patient p1 owned by `owner`.
   */
  async function setUp(prefix: string, now: () => number, wrap: (s: Store) => Store = (s) => s) {
    const store = wrap(standInStore(server, prefix));
    const log = createMemoryLogger();
    const published: string[] = [];
    const delivery = createAlertDelivery({
      store,
      log,
      publish: async (t) => void published.push(t),
      sender: createLoggingWechatSender(log),
      config: { templateId: 'tmpl1' },
    });
    const engine = createAlertEngine({ store, now, log, delivery });
    const owner = await store.userForOpenid(`o-${prefix}`, 'owner', T0);
    await store.createPatient({ id: 'p1', name: 'P', sex: 'female', notes: '', createdAt: T0 }, owner.id);
    return { store, engine, published, owner };
  }

  test('raise, upgrade, resolve and "no data", with the states in one document per patient', async () => {
    let now = T0;
    const { store, engine, published, owner } = await setUp('al_', () => now);
    await store.addSubscribeQuota(owner.id, 'tmpl1', 1);
    const d = await store.createDevice({ productKey: 'pk0000test1', deviceName: 'bed.1', secret: 's3cret-value', bindCode: 'ABCDEF1234' }, T0);
    await store.bindDevice(d.id, 'p1', owner.id, T0);
    const item = (i: number, spo2: number) => ({ deviceId: d.id, receivedAt: T0 + i * 10_000, readings: [{ ts: T0 + i * 10_000, spo2, heartRate: 70 }] });
    /** As ingest does: store, then evaluate what was new. */
    const feed = async (i: number, spo2: number) => {
      const it = item(i, spo2);
      await engine.onReadings([it], (await store.appendReadings([it])).duplicate);
    };

    for (const [i, v] of [
      [1, 93],
      [2, 93],
      [3, 93],
      [4, 90],
      [5, 90],
      [6, 90],
    ] as const)
      await feed(i, v);
    let [a] = await store.activeAlerts('p1');
    expect(a).toMatchObject({ kind: 'spo2', severity: 'urgent', startedAt: T0 + 10_000 });
    expect(a.deliveries.filter((x) => x.channel === 'wechat').map((x) => x.outcome)).toEqual(['would-send', 'no-quota']);
    // A redelivered batch is not evaluated again.
    await engine.onReadings([item(7, 80)], [true]);
    for (let i = 8; i <= 15; i++) await feed(i, 98);
    expect(await store.activeAlerts('p1')).toEqual([]);
    a = (await store.getAlert(a.id)) as AlertRecord;
    expect(a.resolveNote).toMatch(/SpO2 back in range/);

    now = T0 + 15 * 10_000 + 3 * 60_000 + 1;
    expect(await engine.check()).toMatchObject({ raised: 1 }); // 3 intervals of 60 s without a reading
    expect((await store.activeAlerts('p1')).map((x) => x.kind)).toEqual(['no-data']);
    await feed(55, 97);
    expect(await store.activeAlerts('p1')).toEqual([]);
    now = T0 + 606_000; // never connected since it was bound over 10 minutes ago
    expect(await engine.check()).toMatchObject({ raised: 1 });
    expect((await store.activeAlerts('p1')).map((x) => x.kind)).toEqual(['offline']);
    expect(Object.keys(await store.conditionStates('p1')).sort()).toEqual(
      ['device:check-sensor:pk0000test1:bed.1', 'device:no-data:pk0000test1:bed.1', 'device:offline:pk0000test1:bed.1', 'vital:heartRate', 'vital:spo2'].sort(),
    );
    expect(server.documents('al_alert_conditions')).toHaveLength(1);
    expect(published.length).toBeGreaterThan(0);
  }, 30_000);

  test('readings a half-failed batch stored are evaluated when it is retried, once', async () => {
    const { store, engine, published, owner } = await setUp('alh_', () => T0 + 120_000);
    const bed = await store.createDevice({ productKey: 'pk0000test1', deviceName: 'bed-a', secret: 's3cret-value', bindCode: 'ABCDEF1234' }, T0);
    const other = await store.createDevice({ productKey: 'pk0000test1', deviceName: 'bed-b', secret: 's3cret-value', bindCode: 'ABCDEF1235' }, T0);
    await store.bindDevice(bed.id, 'p1', owner.id, T0);
    // A minute of SpO2 at 85 % from the bound bed, and a message of another device in the same batch.
    const items = [
      {
        deviceId: bed.id,
        msgId: 'a1',
        fingerprint: 'fa',
        receivedAt: T0 + 60_000,
        timed: true,
        readings: Array.from({ length: 6 }, (_, i) => ({ ts: T0 + i * 10_000, spo2: 85 })),
      },
      { deviceId: other.id, msgId: 'b1', fingerprint: 'fb', receivedAt: T0 + 60_000, timed: true, readings: [{ ts: T0 + 1000, heartRate: 70 }] },
    ];
    /** As ingest does: store, then evaluate. */
    const ingest = async () => engine.onReadings(items, (await store.appendReadings(items)).duplicate);
    // The bed's device-hour commits, the other device's fails: the call fails and evaluates nothing.
    server.failRequests('database.startTransaction', { skip: 1 });
    await expect(ingest()).rejects.toThrow(/injected failure/);
    expect(await store.countReadings([{ deviceId: bed.id, from: T0, to: T0 + 3_600_000 }], 100)).toBe(6);
    expect(await store.activeAlerts('p1')).toEqual([]);
    // The retry finds the bed's message stored (a duplicate) and still evaluates its readings.
    await ingest();
    const [alert] = await store.activeAlerts('p1');
    expect(alert).toMatchObject({ kind: 'spo2', severity: 'urgent', startedAt: T0 });
    const sent = published.length;
    // Delivered again later: the conditions have seen these readings; nothing more happens.
    await ingest();
    expect((await store.activeAlerts('p1')).map((a) => a.id)).toEqual([alert!.id]);
    expect(published).toHaveLength(sent);
    expect((await store.getAlert(alert!.id))?.deliveries).toEqual(alert!.deliveries);
  }, 30_000);

  test('a redelivery evaluated while a fresh batch raises an alert does not undo it', async () => {
    // The real store, with one read of the condition states held back on request (a slow call).
    let hold: Promise<void> | undefined;
    const { store, engine, owner } = await setUp(
      'alr_',
      () => T0 + 600_000,
      (real) => ({
        ...real,
        conditionStates: async (patientId: string) => {
          const read = await real.conditionStates(patientId);
          if (hold) await hold;
          return read;
        },
      }),
    );
    const d = await store.createDevice({ productKey: 'pk0000test1', deviceName: 'bed-r', secret: 's3cret-value', bindCode: 'ABCDEF1236' }, T0);
    await store.bindDevice(d.id, 'p1', owner.id, T0);
    const item = (i: number, spo2: number) => ({
      deviceId: d.id,
      msgId: String(i),
      fingerprint: 'f',
      receivedAt: T0 + i * 10_000 + 100,
      timed: true,
      readings: [{ ts: T0 + i * 10_000, spo2 }],
    });
    const feed = async (items: ReturnType<typeof item>[]) => engine.onReadings(items, (await store.appendReadings(items)).duplicate);
    await feed([item(0, 97)]);
    // Message 0 comes back (a reconnect); its evaluation reads the states, then stalls…
    let release!: () => void;
    hold = new Promise<void>((r) => (release = r));
    const again = feed([item(0, 97)]);
    await new Promise((r) => setTimeout(r, 50));
    hold = undefined;
    // …while the next messages raise an alert.
    await feed([1, 2, 3, 4, 5, 6].map((i) => item(i, 85)));
    const [alert] = await store.activeAlerts('p1');
    expect(alert).toMatchObject({ kind: 'spo2' });
    release();
    await again;
    // The episode goes on as one alert, and ends when SpO2 is back.
    await feed([7, 8, 9].map((i) => item(i, 84)));
    expect((await store.activeAlerts('p1')).map((a) => a.id)).toEqual([alert!.id]);
    await feed([10, 11, 12, 13, 14, 15, 16, 17].map((i) => item(i, 98)));
    expect(await store.activeAlerts('p1')).toEqual([]);
  }, 30_000);
});
