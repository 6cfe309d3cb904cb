/**
 * EMQX's HTTP authenticator and authorizer (`POST …/auth`, `POST …/acl`): the same decisions the
 * embedded broker makes, from backend/mqtt-policy. It needs the secret that signs people's
 * real-time credentials (`REALTIME_SECRET`, shared with the `realtime` function); without it the
 * answer is UNAVAILABLE (HTTP 503), never a guess.
 */
import { err, ErrorCode, ok } from '../../../core';
import { createMqttAuthEndpoints } from '../../../backend/mqtt-policy/http';
import type { Handler } from '../../../backend/runtime/handler';

const notConfigured = () => err(ErrorCode.Unavailable, 'broker: REALTIME_SECRET is not set, so logins cannot be checked');
/** EMQX's request (`event.request`): anything but an object is an empty request, which is denied. */
const request = (event: Record<string, unknown>): Record<string, unknown> =>
  event.request && typeof event.request === 'object' && !Array.isArray(event.request) ? (event.request as Record<string, unknown>) : {};

export const auth: Handler = async ({ event, deps }) =>
  deps.mqttPolicy ? ok(await createMqttAuthEndpoints(deps.mqttPolicy).auth(request(event))) : notConfigured();

export const acl: Handler = async ({ event, deps }) =>
  deps.mqttPolicy ? ok(await createMqttAuthEndpoints(deps.mqttPolicy).acl(request(event))) : notConfigured();
