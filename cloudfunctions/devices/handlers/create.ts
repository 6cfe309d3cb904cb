/**
 * Registers a device and returns its credentials. The secret is shown only here: store it in the
 * device (or the emulator's credentials file).
 *
 * Event: `{productKey?, deviceName?, label?, loginPolicy?}` (core/api/contract/devices); defaults:
 * the configured product key, a random device name, login policy `compat`.
 */
import { ok } from '../../../core';
import { type CreatedDevice, devices as contract } from '../../../core/api/contract/devices';
import { typed } from '../../../backend/runtime/handler';
import { newBindCode, newId, newSecret } from '../../../backend/ids';
import { formatCode } from '../../../core/codes';

export type { CreatedDevice };

/** Product key used when none is given (an 11-character key, like Alibaba's). */
export const DEFAULT_PRODUCT_KEY = 'rpmTerminal';

export const create = typed(contract.create, async ({ input, deps }) => {
  const { label, loginPolicy } = input;
  const productKey = input.productKey ?? DEFAULT_PRODUCT_KEY;
  const deviceName = input.deviceName ?? newId('rpm').replace('_', '-').slice(0, 12);
  const secret = newSecret();
  const d = await deps.store.createDevice({ productKey, deviceName, label, secret, loginPolicy, bindCode: newBindCode() }, deps.now());
  const created: CreatedDevice = { deviceId: d.id, productKey, deviceName, deviceSecret: secret, loginPolicy, bindCode: formatCode(d.bindCode) };
  return ok(created);
});
