/** Merging a device's latest attributes, the same way in every adapter. */
import { MAX_DEVICE_ATTRIBUTES, type DeviceAttributeValue } from './types';

/** New values replace old ones per key; new keys beyond `MAX_DEVICE_ATTRIBUTES` are dropped. */
export function mergeAttributes(
  kept: Record<string, DeviceAttributeValue>,
  update: Record<string, DeviceAttributeValue>,
): Record<string, DeviceAttributeValue> {
  const out = { ...kept };
  for (const [k, v] of Object.entries(update)) {
    if (k in out || Object.keys(out).length < MAX_DEVICE_ATTRIBUTES) out[k] = v;
  }
  return out;
}
