/**
 * Device credentials for the emulator: read from a file (what `npm run cli -- device create`
 * prints, one object or an array), or created on the local stack and remembered in a file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { DeviceCredentials } from '../core/alink';
import type { Invoke } from '../core/api';

export function readCredentials(file: string): DeviceCredentials[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read credentials from ${file}: ${(e as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.map((c, i) => {
    const x = c as Partial<DeviceCredentials> | null;
    if (!x || typeof x.productKey !== 'string' || typeof x.deviceName !== 'string' || typeof x.deviceSecret !== 'string') {
      throw new Error(`${file}[${i}]: needs productKey, deviceName and deviceSecret`);
    }
    return { productKey: x.productKey, deviceName: x.deviceName, deviceSecret: x.deviceSecret };
  });
}

/** Reuses the devices listed in `file` and creates more on the stack until there are `count`. */
export async function ensureCredentials(file: string, count: number, invoke: Invoke): Promise<DeviceCredentials[]> {
  const have = existsSync(file) ? readCredentials(file) : [];
  while (have.length < count) {
    const r = await invoke('devices', { action: 'create', label: `Emulated ${have.length + 1}` });
    if (!r.ok) throw new Error(`cannot create a device: ${r.code}: ${r.message}`);
    const d = r.data as DeviceCredentials;
    have.push({ productKey: d.productKey, deviceName: d.deviceName, deviceSecret: d.deviceSecret });
    writeFileSync(file, JSON.stringify(have, null, 2), { mode: 0o600 });
  }
  return have.slice(0, count);
}
