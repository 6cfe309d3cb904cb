/**
 * Registers a device and returns its credentials. The secret is shown only here: store it in the
 * device (or the emulator's credentials file).
 *
 * Event: `{productKey?, deviceName?, label?, loginPolicy?}`; defaults: the configured product key,
 * a random device name, login policy `compat`.
 */
import { err, ErrorCode, ok } from '../../../core';
import { DEVICE_NAME_RE, PRODUCT_KEY_RE } from '../../../core/alink';
import type { Handler } from '../../../backend/runtime/handler';
import { newBindCode, newId, newSecret } from '../../../backend/ids';
import { formatCode } from '../../../core/codes';

/** Product key used when none is given (an 11-character key, like Alibaba's). */
export const DEFAULT_PRODUCT_KEY = 'rpmTerminal';

export interface CreatedDevice {
  deviceId: string;
  productKey: string;
  deviceName: string;
  deviceSecret: string;
  loginPolicy: 'compat' | 'strict';
  /** Print this on the device's label: family members bind the device with it. */
  bindCode: string;
}

export const create: Handler = async ({ event, deps }) => {
  const productKey = event.productKey ?? DEFAULT_PRODUCT_KEY;
  const deviceName = event.deviceName ?? newId('rpm').replace('_', '-').slice(0, 12);
  const label = event.label ?? '';
  const loginPolicy = event.loginPolicy ?? 'compat';
  if (typeof productKey !== 'string' || !PRODUCT_KEY_RE.test(productKey)) {
    return err(ErrorCode.BadRequest, '"productKey" must be 4–32 letters or digits');
  }
  if (typeof deviceName !== 'string' || !DEVICE_NAME_RE.test(deviceName)) {
    return err(ErrorCode.BadRequest, '"deviceName" must be 4–32 of letters, digits and -_@.:');
  }
  if (typeof label !== 'string' || label.length > 64) return err(ErrorCode.BadRequest, '"label" must be a string of at most 64 characters');
  if (loginPolicy !== 'compat' && loginPolicy !== 'strict') return err(ErrorCode.BadRequest, '"loginPolicy" must be compat or strict');
  const secret = newSecret();
  const d = await deps.store.createDevice({ productKey, deviceName, label, secret, loginPolicy, bindCode: newBindCode() }, deps.now());
  const created: CreatedDevice = { deviceId: d.id, productKey, deviceName, deviceSecret: secret, loginPolicy, bindCode: formatCode(d.bindCode) };
  return ok(created);
};
