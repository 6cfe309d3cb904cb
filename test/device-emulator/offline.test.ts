/**
 * Offline behaviour of the emulated terminal against the real broker and storage: readings taken
 * while disconnected are kept (bounded), replayed after reconnecting with their original times
 * and ids, and survive an emulator restart.
 */
import { backoffDelay } from '../../core/retry';
import { createDevice as createEmulatedDevice, type DeviceOptions, type EmulatedDevice } from '../../device-emulator/device';
import { createFileStateStore } from '../../device-emulator/device/state-store';
import { createSteadySource } from '../../device-emulator/vitals/steady-source';
import type { Stack } from '../../local-cloud/stack';
import { createManualClock } from '../helpers/manual-clock';
import { createDevice, startStack, tempDir } from '../helpers/stack';
import { until } from '../helpers/until';

describe('offline buffering and replay', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  let clock: ReturnType<typeof createManualClock>;
  let creds: Awaited<ReturnType<typeof createDevice>>;
  const devices: EmulatedDevice[] = [];

  beforeEach(async () => {
    dir = tempDir();
    stack = await startStack(dir.path);
    creds = await createDevice(stack);
    clock = createManualClock(Date.now() - 3_600_000);
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.stop()));
    await stack.close();
    dir.remove();
  });

  function device(extra: Partial<DeviceOptions> = {}): EmulatedDevice {
    const d = createEmulatedDevice({
      brokerUrl: `mqtt://127.0.0.1:${stack.ports.mqtt}`,
      credentials: creds,
      source: createSteadySource(),
      settings: { intervalS: 60 },
      clock,
      random: () => 0.5,
      reconnectBaseMs: 30 * 60_000, // stay offline while the test measures
      ...extra,
    });
    devices.push(d);
    return d;
  }

  async function storedTimes(): Promise<number[]> {
    await stack.flow.idle();
    const r = await stack.invoke('history', { deviceId: creds.deviceId, from: clock.now() - 86_400_000, to: clock.now() + 1, mode: 'raw' }, { kind: 'admin' });
    if (!r.ok) throw new Error(r.message);
    return (r.data as { readings: Array<{ ts: number }> }).readings.map((x) => x.ts);
  }

  /** Advances the manual clock a step at a time until the device has replayed everything. */
  async function drain(d: EmulatedDevice, expected: number): Promise<void> {
    await until(async () => {
      clock.advance(100);
      return d.buffer().size === 0 && (await storedTimes()).length >= expected;
    }, 'the outbox to drain');
  }

  test('every reading taken while offline arrives once, with its original time', async () => {
    const d = device();
    await d.start();
    clock.advance(60_000);
    await until(() => d.stats.acked === 1, 'the first reading to be acknowledged');

    d.simulateNetworkLoss();
    await until(() => !d.connected(), 'the connection to drop');
    const offlineTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(60_000);
      offlineTimes.push(clock.now());
    }
    expect(d.buffer()).toEqual({ size: 5, dropped: 0 });

    clock.advance(30 * 60_000); // the reconnect timer fires (measuring on as time passes)
    await until(() => d.connected(), 'the reconnect');
    const total = 1 + 5 + 30;
    await drain(d, total);
    const times = await storedTimes();
    expect(times).toHaveLength(total);
    expect(times).toEqual(expect.arrayContaining(offlineTimes));
    expect(new Set(times).size).toBe(times.length);
  });

  test('a full outbox drops the oldest readings and says how many', async () => {
    const d = device({ outboxCapacity: 3 });
    await d.start();
    d.simulateNetworkLoss();
    await until(() => !d.connected(), 'the connection to drop');
    for (let i = 0; i < 5; i++) clock.advance(60_000);
    expect(d.buffer()).toEqual({ size: 3, dropped: 2 });
  });

  test('unacknowledged readings and settings survive an emulator restart', async () => {
    const stateDir = tempDir();
    const stateStore = createFileStateStore(stateDir.path, creds.deviceId);
    const first = device({ stateStore });
    await first.start();
    first.simulateNetworkLoss();
    await until(() => !first.connected(), 'the connection to drop');
    for (let i = 0; i < 3; i++) clock.advance(60_000);
    const buffered = [clock.now() - 120_000, clock.now() - 60_000, clock.now()];
    await first.stop();

    const second = device({ stateStore, settings: { intervalS: 5 } });
    expect(second.buffer()).toEqual({ size: 3, dropped: 0 });
    expect(second.settings()).toEqual({ enabled: true, intervalS: 60 }); // remembered, not the new default
    await second.start();
    await drain(second, 3);
    expect(await storedTimes()).toEqual(buffered);
    stateDir.remove();
  });

  test.each([
    [0, 500, 1000],
    [1, 1000, 2000],
    [5, 16_000, 32_000],
    [6, 30_000, 60_000],
    [12, 30_000, 60_000],
  ])('reconnect attempt %i waits between %i and %i ms', (attempt, min, max) => {
    expect(backoffDelay(attempt, { initialMs: 1000, maxMs: 60_000, random: () => 0 })).toBe(min);
    expect(backoffDelay(attempt, { initialMs: 1000, maxMs: 60_000, random: () => 1 })).toBe(max);
  });
});
