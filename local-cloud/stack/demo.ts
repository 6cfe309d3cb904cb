/**
 * Demo devices for `npm start`: registered once (names `demo-1`…), credentials kept in the
 * database, run in-process against the local broker so the system shows live data at once.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../../backend/store/types';
import { createDevice, EmulatedDevice } from '../../device-emulator/device';
import { createSteadySource } from '../../device-emulator/vitals/steady-source';

export const DEMO_PRODUCT_KEY = 'rpmDemo0001';

export interface DemoOptions {
  count: number;
  intervalS: number;
  brokerUrl: string;
  store: Store;
  now: () => number;
}

export async function startDemoDevices(opts: DemoOptions) {
  const devices: EmulatedDevice[] = [];
  try {
    for (let i = 1; i <= opts.count; i++) {
      const deviceName = `demo-${i}`;
      const id = `${DEMO_PRODUCT_KEY}/${deviceName}`;
      const record =
        (await opts.store.getDevice(id)) ??
        (await opts.store.createDevice(
          { productKey: DEMO_PRODUCT_KEY, deviceName, secret: randomBytes(16).toString('hex'), label: `Demo bed ${i}` },
          opts.now(),
        ));
      const device = createDevice({
        brokerUrl: opts.brokerUrl,
        credentials: { productKey: record.productKey, deviceName: record.deviceName, deviceSecret: record.secret },
        source: createSteadySource({ seed: i }),
        settings: { intervalS: opts.intervalS },
      });
      await device.start();
      devices.push(device);
    }
  } catch (e) {
    await Promise.all(devices.map((d) => d.stop()));
    throw e;
  }
  return {
    devices,
    stop: () => Promise.all(devices.map((d) => d.stop())).then(() => undefined),
  };
}
