/** Device status: online state, last reading, counters. Secrets are never returned here. */
import { err, ErrorCode, ok } from '../../../core';
import type { FleetDevice } from '../../../core/api';
import type { Handler } from '../../../backend/runtime/handler';

/** Every device, with the patient it is bound to now and whether it is disabled (the fleet view shows both). */
export const list: Handler = async ({ deps }) => {
  const devices = await deps.store.listDevices();
  const bindings = await Promise.all(devices.map((d) => deps.store.currentBinding(d.id)));
  const disabled = await Promise.all(devices.map((d) => deps.store.deviceDisabledAt(d.id)));
  return ok<FleetDevice[]>(
    devices.map((d, i) => ({
      ...d,
      ...(bindings[i] ? { patientId: bindings[i]!.patientId } : {}),
      ...(disabled[i] === undefined ? {} : { disabledAt: disabled[i] }),
    })),
  );
};

export const get: Handler = async ({ event, deps }) => {
  if (typeof event.deviceId !== 'string') return err(ErrorCode.BadRequest, '"deviceId" is required');
  const status = await deps.store.deviceStatus(event.deviceId);
  return status ? ok(status) : err(ErrorCode.NotFound, `no device ${event.deviceId}`);
};
