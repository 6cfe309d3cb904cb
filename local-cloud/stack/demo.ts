/**
 * Demo devices for `npm start`: registered once (names `demo-1`…), credentials kept in the
 * database, run in-process against the local broker so the system shows live data at once.
 */
import { formatCode } from '../../core/codes';
import { newBindCode, newSecret } from '../../backend/ids';
import type { Store } from '../../backend/store/types';
import { createDevice, EmulatedDevice } from '../../device-emulator/device';
import { createFileStateStore } from '../../device-emulator/device/state-store';
import { createVitalsSource } from '../../device-emulator/vitals';

export const DEMO_PRODUCT_KEY = 'rpmDemo0001';
/** What the demo patients do, in turn: one at rest, one with a fever, one desaturating. */
export const DEMO_SCENARIOS = ['normal', 'fever', 'hypoxia'] as const;

export interface DemoOptions {
  count: number;
  intervalS: number;
  brokerUrl: string;
  store: Store;
  now: () => number;
  /** Where demo devices remember settings and unsent readings. */
  stateDir: string;
}

/** What a person needs to bind a demo device in the mini program (the code on its "label"). */
export interface DemoLabel {
  deviceName: string;
  label: string;
  /** Shown as `XXXXX-XXXXX`. */
  bindCode: string;
}

export async function startDemoDevices(opts: DemoOptions) {
  const devices: EmulatedDevice[] = [];
  const labels: DemoLabel[] = [];
  try {
    for (let i = 1; i <= opts.count; i++) {
      const deviceName = `demo-${i}`;
      const scenario = DEMO_SCENARIOS[(i - 1) % DEMO_SCENARIOS.length];
      const id = `${DEMO_PRODUCT_KEY}/${deviceName}`;
      const record =
        (await opts.store.getDevice(id)) ??
        (await opts.store.createDevice(
          { productKey: DEMO_PRODUCT_KEY, deviceName, secret: newSecret(), bindCode: newBindCode(), label: `Demo bed ${i} (${scenario})` },
          opts.now(),
        ));
      const device = createDevice({
        brokerUrl: opts.brokerUrl,
        credentials: { productKey: record.productKey, deviceName: record.deviceName, deviceSecret: record.secret },
        source: createVitalsSource(scenario, i, opts.now()),
        settings: { intervalS: opts.intervalS },
        stateStore: createFileStateStore(opts.stateDir, id),
      });
      await device.start();
      devices.push(device);
      labels.push({ deviceName, label: record.label, bindCode: formatCode(record.bindCode) });
    }
  } catch (e) {
    await Promise.all(devices.map((d) => d.stop()));
    throw e;
  }
  return {
    devices,
    labels,
    stop: () => Promise.all(devices.map((d) => d.stop())).then(() => undefined),
  };
}
