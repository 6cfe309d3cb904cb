/** Device status: online state, last reading, counters. Secrets are never returned here. */
import { err, ErrorCode, ok } from '../../../core';
import { devices as contract } from '../../../core/api/contract/devices';
import { typed } from '../../../backend/runtime/handler';

export const list = typed(contract.list, async ({ deps }) => ok(await deps.store.listDevices()));

export const get = typed(contract.get, async ({ input, deps }) => {
  const status = await deps.store.deviceStatus(input.deviceId);
  return status ? ok(status) : err(ErrorCode.NotFound, `no device ${input.deviceId}`);
});
