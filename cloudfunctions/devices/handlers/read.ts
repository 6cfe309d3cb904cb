/** Device status: online state, last reading, counters. Secrets are never returned here. */
import { err, ErrorCode, ok } from '../../../core';
import type { Handler } from '../../../backend/runtime/handler';

export const list: Handler = async ({ deps }) => ok(await deps.store.listDevices());

export const get: Handler = async ({ event, deps }) => {
  if (typeof event.deviceId !== 'string') return err(ErrorCode.BadRequest, '"deviceId" is required');
  const status = await deps.store.deviceStatus(event.deviceId);
  return status ? ok(status) : err(ErrorCode.NotFound, `no device ${event.deviceId}`);
};
