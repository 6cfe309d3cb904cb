/**
 * EMQX's HTTP authenticator and authorizer (`POST …/auth`, `POST …/acl`): the same decisions the
 * embedded broker makes, from backend/mqtt-policy. It needs the secret that signs people's
 * real-time credentials (`REALTIME_SECRET`, shared with the `realtime` function); without it the
 * answer is UNAVAILABLE (HTTP 503), never a guess. The request is read leniently by the contract
 * (core/api/contract/broker.ts): anything unreadable is missing, and so denied.
 */
import { err, ErrorCode, ok } from '../../../core';
import { broker } from '../../../core/api/contract/broker';
import { createMqttAuthEndpoints } from '../../../backend/mqtt-policy/http';
import { typed } from '../../../backend/runtime/handler';

const notConfigured = () => err(ErrorCode.Unavailable, 'broker: REALTIME_SECRET is not set, so logins cannot be checked');

export const auth = typed(broker.auth, async ({ input, deps }) =>
  deps.mqttPolicy ? ok(await createMqttAuthEndpoints(deps.mqttPolicy).auth(input.request)) : notConfigured(),
);

export const acl = typed(broker.acl, async ({ input, deps }) =>
  deps.mqttPolicy ? ok(await createMqttAuthEndpoints(deps.mqttPolicy).acl(input.request)) : notConfigured(),
);
