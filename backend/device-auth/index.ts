/**
 * Device login and topic rules, shared by the embedded broker's hooks and (for production brokers)
 * the HTTP authentication/authorization endpoints, so both enforce exactly the same policy.
 *
 * Freshness (docs/protocol.md "Freshness and replay"): the signed `timestamp` of Alink logins is
 * wall-clock ms on SDK-based devices but `millis()` (uptime) on the original ESP8266 firmware, which
 * also signs once at boot and reuses the password on every reconnect. So:
 *  - policy `compat` (default): any timestamp, or none, is accepted; the signature still proves the
 *    secret. Replay protection then comes from TLS (securemode=2).
 *  - policy `strict`: the timestamp must be wall-clock ms within ±`maxSkewMs` of the server and
 *    greater than the last one accepted for the device, so a captured login cannot be replayed.
 */
import {
  parseClientId,
  parseUsername,
  passwordMatches,
  sign,
  signContent,
  parseTopic,
  type ParsedTopic,
  deviceIdOf,
  devicePrefix,
  isUplink,
  topics,
} from '../../core/alink';
import type { Store } from '../store/types';

/** MQTT 3.1.1 CONNACK return codes (§3.2.2.3). */
export const ConnackCode = { IdentifierRejected: 2, BadCredentials: 4, NotAuthorized: 5 } as const;

export interface AuthenticatedDevice {
  deviceId: string;
  productKey: string;
  deviceName: string;
}

export type DeviceLogin =
  | { ok: true; device: AuthenticatedDevice }
  | { ok: false; returnCode: number; reason: 'malformed' | 'unknown-device' | 'bad-signature' | 'stale-timestamp' | 'disabled'; message: string };

export interface DeviceAuthOptions {
  store: Store;
  /** Current time, ms. */
  now: () => number;
  /** Allowed clock difference for `strict` devices, ms. Default 10 minutes. */
  maxSkewMs?: number;
}

export function createDeviceAuth(opts: DeviceAuthOptions) {
  const maxSkew = opts.maxSkewMs ?? 10 * 60_000;

  async function authenticate(clientId: string, username: string | undefined, password: string | undefined): Promise<DeviceLogin> {
    const cid = parseClientId(clientId);
    if (!cid.ok) return { ok: false, returnCode: ConnackCode.IdentifierRejected, reason: 'malformed', message: cid.message };
    const user = parseUsername(username ?? '');
    if (!user.ok) return { ok: false, returnCode: ConnackCode.BadCredentials, reason: 'malformed', message: user.message };
    const { productKey, deviceName } = user.value;
    const deviceId = deviceIdOf({ productKey, deviceName });
    const device = await opts.store.getDevice(deviceId);
    if (!device) return { ok: false, returnCode: ConnackCode.BadCredentials, reason: 'unknown-device', message: `unknown device ${deviceId}` };
    const { id, signMethod, timestamp } = cid.value;
    const expected = sign(device.secret, signContent({ id, deviceName, productKey, timestamp }), signMethod);
    if (!password || !passwordMatches(expected, password)) {
      return { ok: false, returnCode: ConnackCode.BadCredentials, reason: 'bad-signature', message: `bad signature for ${deviceId}` };
    }
    // An operator disabled the device (`devices.disable`): refused, as "not authorized" (MQTT
    // 3.1.1 §3.2.2.3 return code 5), after the signature so its state is told only to its holder.
    if (device.disabledAt !== undefined) {
      return { ok: false, returnCode: ConnackCode.NotAuthorized, reason: 'disabled', message: `${deviceId} is disabled` };
    }
    if (device.loginPolicy === 'strict') {
      const ts = Number(timestamp);
      const now = opts.now();
      // Fresh (within the skew) and never used before: taken in the store, so a replay is refused
      // by any process and after a restart.
      if (timestamp === undefined || !Number.isSafeInteger(ts) || Math.abs(now - ts) > maxSkew || !(await opts.store.claimLoginTimestamp(deviceId, ts))) {
        return {
          ok: false,
          returnCode: ConnackCode.NotAuthorized,
          reason: 'stale-timestamp',
          message: `${deviceId} uses strict login: timestamp must be current wall-clock ms and never reused`,
        };
      }
    }
    return { ok: true, device: { deviceId, productKey, deviceName } };
  }

  return { authenticate };
}

/**
 * Topics a device may publish to: its own uplink topics — property post and batch post, event
 * posts, replies to commands, tags, desired-property get, RRPC responses, clock sync requests,
 * OTA version and progress, and its custom `/{pk}/{dn}/user/…` topics. Everything else, including
 * its own downlink topics, is denied.
 */
export function deviceMayPublish(device: AuthenticatedDevice, topic: string | ParsedTopic | undefined): boolean {
  const t = typeof topic === 'string' ? parseTopic(topic) : topic;
  if (!t || t.productKey !== device.productKey || t.deviceName !== device.deviceName) return false;
  return isUplink(t.kind);
}

/**
 * Subscriptions a device may make: filters entirely inside its own `/sys/{pk}/{dn}/` subtree or its
 * custom `/{pk}/{dn}/user/` subtree, its clock-sync response, its OTA upgrade topic, and RRPC
 * requests on its own topics (`/ext/rrpc/+/…`).
 */
export function deviceMaySubscribe(device: AuthenticatedDevice, filter: string): boolean {
  // Product keys and device names cannot contain `+` or `#`, so a filter that starts with the
  // literal prefix can only match inside the subtree, whatever wildcards follow.
  const { productKey: pk, deviceName: dn } = device;
  const prefixes = [devicePrefix(device), `/${pk}/${dn}/user/`, `/ext/rrpc/+/${pk}/${dn}/user/`, `/ext/rrpc/+/sys/${pk}/${dn}/`];
  return prefixes.some((p) => filter.startsWith(p)) || filter === topics.ntpResponse(device) || filter === topics.otaUpgrade(device);
}
