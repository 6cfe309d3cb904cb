/**
 * Demo devices for `npm start`: registered once (names `demo-1`…), credentials kept in the
 * database, run in-process against the local broker so the system shows live data at once.
 */
import { createHmac } from 'node:crypto';
import { BIND_CODE_LENGTH, CODE_ALPHABET, formatCode } from '../../core/codes';
import { newSecret } from '../../backend/ids';
import type { Store } from '../../backend/store/types';
import { createDevice, type EmulatedDevice } from '../../device-emulator/device';
import { createFileStateStore } from '../../device-emulator/device/state-store';
import { createVitalsSource } from '../../device-emulator/vitals';

export const DEMO_PRODUCT_KEY = 'rpmDemo0001';
/** What the demo patients do, in turn: one at rest, one with a fever, one desaturating. */
export const DEMO_SCENARIOS = ['normal', 'fever', 'hypoxia'] as const;

/** Demo bed `i` (from 1) shows the scenarios in turn. */
function demoScenario(i: number): (typeof DEMO_SCENARIOS)[number] {
  const scenario = DEMO_SCENARIOS[(i - 1) % DEMO_SCENARIOS.length];
  if (scenario === undefined) throw new RangeError(`demo beds count from 1, got ${i}`);
  return scenario;
}

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

/**
 * A demo device's bind code, derived from its secret: the store keeps only the code's hash, and
 * the demo prints every demo device's code at each start, so it must be able to compute it again.
 */
export function demoBindCode(secret: string): string {
  const bytes = createHmac('sha256', secret).update('demo bind code').digest();
  let out = '';
  for (let i = 0; i < BIND_CODE_LENGTH; i++) out += CODE_ALPHABET.charAt(bytes.readUInt8(i) % CODE_ALPHABET.length);
  return out;
}

export async function startDemoDevices(opts: DemoOptions) {
  const devices: EmulatedDevice[] = [];
  const labels: DemoLabel[] = [];
  try {
    for (let i = 1; i <= opts.count; i++) {
      const deviceName = `demo-${i}`;
      const scenario = demoScenario(i);
      const id = `${DEMO_PRODUCT_KEY}/${deviceName}`;
      const secret = newSecret();
      const record =
        (await opts.store.getDevice(id)) ??
        (await opts.store.createDevice(
          { productKey: DEMO_PRODUCT_KEY, deviceName, secret, bindCode: demoBindCode(secret), label: `Demo bed ${i} (${scenario})` },
          opts.now(),
        ));
      // Devices made before codes were hashed have a random code nobody can read back.
      const code = demoBindCode(record.secret);
      const bindCode = (await opts.store.deviceByBindCode(code))?.id === id ? formatCode(code) : '(shown only when created)';
      const device = createDevice({
        brokerUrl: opts.brokerUrl,
        credentials: { productKey: record.productKey, deviceName: record.deviceName, deviceSecret: record.secret },
        source: createVitalsSource(scenario, i, opts.now()),
        settings: { intervalS: opts.intervalS },
        stateStore: createFileStateStore(opts.stateDir, id),
      });
      await device.start();
      devices.push(device);
      labels.push({ deviceName, label: record.label, bindCode });
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
