/**
 * Alink MQTT login ("一机一密" per-device secret): how a device builds its CONNECT credentials and
 * how the server checks them.
 *
 *   clientId = `{id}|securemode=3,signmethod=hmacsha256,timestamp={ts}|`
 *   username = `{deviceName}&{productKey}`
 *   password = hex(HMAC(deviceSecret, `clientId{id}deviceName{dn}productKey{pk}timestamp{ts}`))
 *
 * The signed content lists the parameters sorted by name with no separators; `timestamp` is
 * optional in Alink and is left out of the content when the client id does not carry it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DEVICE_NAME_RE, PRODUCT_KEY_RE } from './names';

export type SignMethod = 'hmacsha256' | 'hmacsha1' | 'hmacmd5';
const HASH: Record<SignMethod, string> = { hmacsha256: 'sha256', hmacsha1: 'sha1', hmacmd5: 'md5' };
/** Alink's sign method when the client id names none. */
export const DEFAULT_SIGN_METHOD: SignMethod = 'hmacmd5';

/**
 * Alink's documented secure modes: 2 = TLS, 3 = plain TCP, -2 = TLS as used by the "一型一密免预注册"
 * login (accepted like 2; the password must still be the device-secret signature).
 */
export type SecureMode = 2 | 3 | -2;

export interface ClientIdParams {
  id: string;
  secureMode: SecureMode;
  signMethod: SignMethod;
  /** The `timestamp` field as sent (ms; wall clock or device uptime), if present. */
  timestamp?: string;
  /** `_ss=1`: the Link SDK expects the broker to subscribe it to its downlink topics. */
  autoSubscribe: boolean;
}

export interface UsernameParams {
  deviceName: string;
  productKey: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export { DEVICE_NAME_RE, PRODUCT_KEY_RE };

export function parseClientId(clientId: string): Parsed<ClientIdParams> {
  const m = /^([^|]{1,64})\|([^|]*)\|$/.exec(clientId);
  if (!m) return { ok: false, message: 'clientId must look like "{id}|securemode=3,signmethod=hmacsha256,timestamp={ms}|"' };
  const [, id = '', params = ''] = m;
  const fields = new Map<string, string>();
  for (const pair of params.split(',')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) return { ok: false, message: `malformed clientId field "${pair}"` };
    fields.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  const secureMode = Number(fields.get('securemode'));
  if (secureMode !== 2 && secureMode !== 3 && secureMode !== -2) return { ok: false, message: 'securemode must be 2 (TLS), 3 (TCP) or -2 (TLS)' };
  const signMethod = (fields.get('signmethod') ?? DEFAULT_SIGN_METHOD).toLowerCase();
  if (signMethod !== 'hmacsha256' && signMethod !== 'hmacsha1' && signMethod !== 'hmacmd5') {
    return { ok: false, message: 'signmethod must be hmacsha256, hmacsha1 or hmacmd5' };
  }
  const autoSubscribe = fields.get('_ss') === '1';
  const timestamp = fields.get('timestamp');
  if (timestamp !== undefined && !/^\d{1,16}$/.test(timestamp)) {
    return { ok: false, message: 'timestamp must be a whole number of milliseconds' };
  }
  return { ok: true, value: { id, secureMode, signMethod, timestamp, autoSubscribe } };
}

/** The MQTT username of a device's Alink login: `{deviceName}&{productKey}`. */
export const deviceUsername = (d: { deviceName: string; productKey: string }): string => `${d.deviceName}&${d.productKey}`;

export function parseUsername(username: string): Parsed<UsernameParams> {
  const amp = username.indexOf('&');
  if (amp < 0) return { ok: false, message: 'username must be "{deviceName}&{productKey}"' };
  const deviceName = username.slice(0, amp);
  const productKey = username.slice(amp + 1);
  if (!DEVICE_NAME_RE.test(deviceName)) return { ok: false, message: 'malformed deviceName in username' };
  if (!PRODUCT_KEY_RE.test(productKey)) return { ok: false, message: 'malformed productKey in username' };
  return { ok: true, value: { deviceName, productKey } };
}

export function signContent(p: { id: string; deviceName: string; productKey: string; timestamp?: string }): string {
  const ts = p.timestamp === undefined ? '' : `timestamp${p.timestamp}`;
  return `clientId${p.id}deviceName${p.deviceName}productKey${p.productKey}${ts}`;
}

export function sign(secret: string, content: string, method: SignMethod): string {
  return createHmac(HASH[method], secret).update(content).digest('hex');
}

/** Constant-time check of a hex password (case-insensitive, as some firmware prints upper case). */
export function passwordMatches(expectedHex: string, given: string): boolean {
  const a = Buffer.from(expectedHex.toLowerCase());
  const b = Buffer.from(given.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface DeviceCredentials extends UsernameParams {
  deviceSecret: string;
}

export interface LoginOptions {
  /** Client id prefix; defaults to `{productKey}.{deviceName}` as Alibaba's SDKs do. */
  id?: string;
  /** Timestamp to sign (ms). Defaults to none; real firmware often sends `millis()`. */
  timestamp?: number | string;
  /** Default `hmacsha256`. */
  signMethod?: SignMethod;
  /** Default 3 (plain TCP). */
  secureMode?: SecureMode;
  /** Adds `_ss=1` (the Link SDK's automatic subscription). */
  autoSubscribe?: boolean;
  /** Leaves `signmethod` out of the client id (Alink then means hmacmd5, which `signMethod` must be). */
  omitSignMethod?: boolean;
}

/** Builds the CONNECT credentials a device sends (used by the emulator and the tests). */
export function buildLogin(creds: DeviceCredentials, opts: LoginOptions = {}) {
  const id = opts.id ?? `${creds.productKey}.${creds.deviceName}`;
  const signMethod = opts.signMethod ?? 'hmacsha256';
  const timestamp = opts.timestamp === undefined ? undefined : String(opts.timestamp);
  const fields = [`securemode=${opts.secureMode ?? 3}`];
  if (!opts.omitSignMethod) fields.push(`signmethod=${signMethod}`);
  if (timestamp !== undefined) fields.push(`timestamp=${timestamp}`);
  if (opts.autoSubscribe) fields.push('_ss=1');
  const content = signContent({ id, deviceName: creds.deviceName, productKey: creds.productKey, timestamp });
  return {
    clientId: `${id}|${fields.join(',')}|`,
    username: deviceUsername(creds),
    password: sign(creds.deviceSecret, content, signMethod),
  };
}
