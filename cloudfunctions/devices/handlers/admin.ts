/**
 * Operators' device actions: disable a device (its logins are refused, its open sessions end now),
 * enable it again, and rotate its secret (the old one stops working at once; the new one is shown
 * only in this answer, like at `create`).
 *
 * Events: `{deviceId}` for each.
 */
import { err, ErrorCode, ok } from '../../../core';
import type { FunctionDeps } from '../../../backend/runtime/deps';
import type { Handler } from '../../../backend/runtime/handler';
import { newSecret } from '../../../backend/ids';

/** `devices.disable` / `devices.enable`. */
export interface DeviceEnabledState {
  deviceId: string;
  disabled: boolean;
  disabledAt?: number;
}

/** `devices.rotateSecret`: the device's new secret, shown once. */
export interface RotatedSecret {
  deviceId: string;
  deviceSecret: string;
}

/**
 * Ends the device's MQTT sessions through the host's broker. The change is stored and stands if the
 * broker cannot be told: that is logged, and every later login is checked against it anyway.
 */
async function endSessions(deps: FunctionDeps, deviceId: string): Promise<void> {
  try {
    await deps.notify?.({ type: 'device-revoked', deviceId });
  } catch (e) {
    deps.log.warn(`could not disconnect ${deviceId}: ${(e as Error).message}`);
  }
}

const deviceIdOf = (event: Record<string, unknown>): string | undefined =>
  typeof event.deviceId === 'string' && event.deviceId.length > 0 && event.deviceId.length <= 80 ? event.deviceId : undefined;

function setEnabled(disabled: boolean): Handler {
  return async ({ event, deps }) => {
    const deviceId = deviceIdOf(event);
    if (!deviceId) return err(ErrorCode.BadRequest, '"deviceId" is required');
    if (!(await deps.store.setDeviceDisabled(deviceId, disabled, deps.now()))) return err(ErrorCode.NotFound, `no device ${deviceId}`);
    if (disabled) await endSessions(deps, deviceId);
    const at = await deps.store.deviceDisabledAt(deviceId);
    return ok<DeviceEnabledState>({ deviceId, disabled, ...(at === undefined ? {} : { disabledAt: at }) });
  };
}

export const disable = setEnabled(true);
export const enable = setEnabled(false);

export const rotateSecret: Handler = async ({ event, deps }) => {
  const deviceId = deviceIdOf(event);
  if (!deviceId) return err(ErrorCode.BadRequest, '"deviceId" is required');
  const secret = newSecret();
  if (!(await deps.store.setDeviceSecret(deviceId, secret))) return err(ErrorCode.NotFound, `no device ${deviceId}`);
  await endSessions(deps, deviceId);
  return ok<RotatedSecret>({ deviceId, deviceSecret: secret });
};
