/**
 * What a function gets from the environment about the MQTT broker, when it is not the embedded
 * one (CloudBase, or the local CLI against CloudBase):
 *
 * - `REALTIME_SECRET`: signs people's 1-hour MQTT credentials (`realtime`) and checks them
 *   (`broker.auth`); the same value for both functions, ≥ 32 characters. Without it `realtime`
 *   and `broker.auth` answer UNAVAILABLE.
 * - `BROKER`: `emqx` = commands, replies, presence and disconnections through EMQX's REST API.
 *   Without it `command` answers UNAVAILABLE and access changes reach no broker.
 * - `EMQX_API_URL`, `EMQX_API_KEY`, `EMQX_API_SECRET`, `EMQX_API_TIMEOUT_MS`: EMQX's REST API
 *   (backend/broker-api/emqx.ts); required with `BROKER=emqx`; timeout 5000 ms by default.
 * - `BROKER_HOOK_MAX_AGE_S`: the webhook refuses events further than this from now; 600 by default.
 *
 * (`BROKER_HOOK_SECRET`, the bearer EMQX must send to the `broker` function, is read by its HTTP
 * entry, backend/runtime/http-entry.ts.)
 */
import { AppError, ErrorCode } from '../../core';
import type { BrokerApi } from '../broker-api/types';
import { createEmqxBrokerApi, emqxOptionsFromEnv } from '../broker-api/emqx';
import { parseDeviceId } from '../../core/alink';
import { createRemoteDeviceControl } from '../device-control/remote';
import { createMqttPolicy } from '../mqtt-policy';
import { createUserCredentials, mqttUsernameOf } from '../mqtt-policy/user-credentials';
import type { Store } from '../store/types';
import type { BackendEvent, FunctionDeps } from './deps';

/** Disconnects every MQTT session of these people, so that they reconnect under the new rules. */
export async function disconnectUsers(broker: BrokerApi, userIds: string[]): Promise<void> {
  for (const id of new Set(userIds)) await broker.kick(await broker.clientsOf(mqttUsernameOf(id)));
}

/** Disconnects every MQTT session of a device (its Alink username is `{deviceName}&{productKey}`). */
export async function disconnectDevice(broker: BrokerApi, deviceId: string): Promise<void> {
  const d = parseDeviceId(deviceId);
  if (d) await broker.kick(await broker.clientsOf(`${d.deviceName}&${d.productKey}`));
}

type BrokerDeps = Pick<FunctionDeps, 'realtime' | 'mqttPolicy' | 'broker' | 'control' | 'notify' | 'brokerHook'>;

export function brokerDepsFromEnv(env: NodeJS.ProcessEnv, store: Store, now: () => number): BrokerDeps {
  const out: BrokerDeps = {};
  const secret = env.REALTIME_SECRET?.trim();
  if (secret) {
    if (secret.length < 32) throw new AppError(ErrorCode.Unavailable, 'REALTIME_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)');
    out.realtime = createUserCredentials(secret);
    // Built for each call (CloudBase): nothing in memory outlives it, so client ids are held in the store.
    out.mqttPolicy = createMqttPolicy({ store, now, secret, clientIds: 'store' });
  }
  const kind = env.BROKER?.trim();
  if (kind) {
    if (kind !== 'emqx') throw new AppError(ErrorCode.Unavailable, `BROKER must be "emqx" (or unset), got "${kind}"`);
    const broker = createEmqxBrokerApi(emqxOptionsFromEnv(env));
    out.broker = broker;
    out.control = createRemoteDeviceControl({ broker, store, now });
    out.notify = async (e: BackendEvent) => {
      if (e.type === 'access-changed') await disconnectUsers(broker, e.userIds);
      if (e.type === 'device-revoked') await disconnectDevice(broker, e.deviceId);
    };
  }
  const age = env.BROKER_HOOK_MAX_AGE_S?.trim();
  if (age) {
    const s = Number(age);
    if (!Number.isInteger(s) || s < 10 || s > 86_400) {
      throw new AppError(ErrorCode.Unavailable, `BROKER_HOOK_MAX_AGE_S must be 10–86400 seconds, got "${age}"`);
    }
    out.brokerHook = { maxEventAgeMs: s * 1000 };
  }
  return out;
}
