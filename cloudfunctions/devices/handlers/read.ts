/** Device status: online state, last reading, counters. Secrets are never returned here. */
import { err, ErrorCode, ok } from '../../../core';
import type { FleetDevice } from '../../../core/api';
import { devices as contract } from '../../../core/api/contract/devices';
import { typed } from '../../../backend/runtime/handler';

/** Every device, with the patient it is bound to now and whether it is disabled (the fleet view shows both). */
export const list = typed(contract.list, async ({ deps }) => {
  const devices = await deps.store.listDevices();
  const bindings = await Promise.all(devices.map((d) => deps.store.currentBinding(d.id)));
  const disabled = await Promise.all(devices.map((d) => deps.store.deviceDisabledAt(d.id)));
  return ok<FleetDevice[]>(
    devices.map((d, i) => {
      const binding = bindings[i];
      const at = disabled[i];
      return { ...d, ...(binding ? { patientId: binding.patientId } : {}), ...(at === undefined ? {} : { disabledAt: at }) };
    }),
  );
});

export const get = typed(contract.get, async ({ input, deps }) => {
  const status = await deps.store.deviceStatus(input.deviceId);
  return status ? ok(status) : err(ErrorCode.NotFound, `no device ${input.deviceId}`);
});
