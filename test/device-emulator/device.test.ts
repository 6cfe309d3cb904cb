/** The emulated terminal against the real broker: schedule, commands and replies. */
import { buildRequest, MEASURE_NOW_SERVICE, parseReply, topics } from '../../core/alink';
import { createDevice as createEmulatedDevice, type EmulatedDevice } from '../../device-emulator/device';
import { createSteadySource } from '../../device-emulator/vitals/steady-source';
import { createPpgVitalsSource } from '../../device-emulator/vitals/ppg-source';
import type { Stack } from '../../local-cloud/stack';
import { createManualClock } from '../helpers/manual-clock';
import { createDevice, startStack, tempDir } from '../helpers/stack';

describe('emulated device', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  let device: EmulatedDevice;
  let clock: ReturnType<typeof createManualClock>;
  let deviceId: string;
  let ref: { productKey: string; deviceName: string };
  let secret: string;

  beforeEach(async () => {
    dir = tempDir();
    stack = await startStack(dir.path);
    const creds = await createDevice(stack);
    deviceId = creds.deviceId;
    ref = creds;
    secret = creds.deviceSecret;
    clock = createManualClock();
    device = createEmulatedDevice({
      brokerUrl: `mqtt://127.0.0.1:${stack.ports.mqtt}`,
      credentials: creds,
      source: createSteadySource(),
      settings: { intervalS: 60 },
      clock,
    });
    await device.start();
  });
  afterEach(async () => {
    await device.stop();
    await stack.close();
    dir.remove();
  });

  const readings = async () => {
    await stack.flow.idle();
    const r = await stack.invoke('devices', { action: 'get', deviceId }, { kind: 'admin' });
    return r.ok ? (r.data as { readings: number }).readings : -1;
  };
  /** Sends a command the way the backend does and waits for the device's reply. */
  const command = (topic: string, replyTopic: string, params: Record<string, unknown>) =>
    new Promise<ReturnType<typeof parseReply>>((resolve) => {
      stack.broker.aedes.subscribe(
        replyTopic,
        (packet, cb) => {
          resolve(parseReply(packet.payload.toString()));
          cb();
        },
        () => void stack.broker.publish(topic, buildRequest('c1', 'thing.service.property.set', params)),
      );
    });
  const untilStored = async (n: number) => {
    while ((await readings()) < n) await new Promise((r) => setImmediate(r));
  };

  test('measures on its schedule and the readings are stored with their measurement time', async () => {
    clock.advance(60_000);
    clock.advance(60_000);
    await untilStored(2);
    expect(device.stats.published).toBe(2);
    const r = await stack.invoke('history', { deviceId, from: clock.now() - 130_000, to: clock.now() + 1 }, { kind: 'admin' });
    expect(r.ok && (r.data as { readings: Array<{ ts: number }> }).readings.map((x) => x.ts)).toEqual([clock.now() - 60_000, clock.now()]);
  });

  test('a property set changes the interval and is acknowledged with the new state', async () => {
    const reply = await command(topics.propertySet(ref), topics.propertySetReply(ref), { MeasureInterval: 10 });
    expect(reply).toMatchObject({ id: 'c1', code: 200, data: { MeasureEnabled: 1, MeasureInterval: 10 } });
    clock.advance(30_000);
    await untilStored(3);
  });

  test('disabling measurement stops readings', async () => {
    expect(await command(topics.propertySet(ref), topics.propertySetReply(ref), { MeasureEnabled: 0 })).toMatchObject({ code: 200 });
    clock.advance(10 * 60_000);
    expect(device.stats.measured).toBe(0);
    expect(clock.pending()).toBe(0);
  });

  test.each([[{ MeasureInterval: 0 }], [{ MeasureInterval: 2.5 }], [{ MeasureEnabled: 'yes' }], [{ Colour: 'red' }], [{}]])(
    'rejects the invalid setting %j with code 460 and keeps its state',
    async (params) => {
      expect(await command(topics.propertySet(ref), topics.propertySetReply(ref), params)).toMatchObject({ code: 460 });
      expect(device.settings()).toEqual({ enabled: true, intervalS: 60 });
    },
  );

  test('streams 1-second raw PPG frames when asked, and they are not stored', async () => {
    const raw = createEmulatedDevice({
      brokerUrl: `mqtt://127.0.0.1:${stack.ports.mqtt}`,
      credentials: { ...ref, deviceSecret: secret },
      source: createPpgVitalsSource({ scenario: 'normal', startedAt: clock.now() - 60_000 }),
      rawStream: true,
      clock,
    });
    await device.stop(); // one session per device id
    await raw.start();
    const frame = new Promise<Record<string, unknown>>((resolve) =>
      stack.broker.aedes.subscribe(
        topics.eventPost(ref, 'ppg'),
        (packet, cb) => {
          resolve(JSON.parse(packet.payload.toString()).params);
          cb();
        },
        () => clock.advance(1000),
      ),
    );
    const params = await frame;
    expect(params).toMatchObject({ rate: 25, start: clock.now() - 1000 });
    expect((params.red as number[]).length).toBe(25);
    expect((params.ir as number[]).length).toBe(25);
    await raw.stop();
    expect(await readings()).toBe(0);
  });

  test('"measure now" yields one reading and a reply', async () => {
    const reply = await command(topics.service(ref, MEASURE_NOW_SERVICE), topics.serviceReply(ref, MEASURE_NOW_SERVICE), {});
    expect(reply).toMatchObject({ code: 200, data: { heartRate: expect.any(Number) } });
    await untilStored(1);
    expect(device.stats.measured).toBe(1);
  });
});
