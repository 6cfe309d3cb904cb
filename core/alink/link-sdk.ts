/**
 * The other messages a Link SDK device (Alibaba's C SDK 3.x/4.x and the AT modules built on it)
 * sends on its own, usually right after connecting: clock sync, OTA version inform, tags and the
 * desired-property query. Pure: the broker, `ingest` and the webhook use the same readers.
 */
import type { AttributeValue } from './property-post';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function json(payload: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(payload);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

const idOf = (v: unknown): string =>
  typeof v === 'string' && v.length <= 64 ? v : typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : '';

/**
 * The answer to `/ext/ntp/{pk}/{dn}/request` `{"deviceSendTime": …}`: the device's send time echoed
 * as it came (the C SDK sends a string of digits, others a number) and the server's receive and
 * send times in ms. The device sets its clock to `(serverRecvTime + serverSendTime + deviceRecvTime
 * - deviceSendTime) / 2`. Undefined for a request without a usable `deviceSendTime`.
 */
export function ntpResponse(payload: string, serverRecvTime: number, serverSendTime: number): string | undefined {
  const body = json(payload);
  const sent = body?.deviceSendTime;
  const usable = (typeof sent === 'string' && /^\d{1,16}$/.test(sent)) || (typeof sent === 'number' && Number.isSafeInteger(sent) && sent >= 0);
  if (!usable) return undefined;
  return JSON.stringify({ deviceSendTime: sent, serverRecvTime, serverSendTime });
}

/** `/ota/device/inform/{pk}/{dn}`: `{"id", "params": {"version", "module"?}}`. */
export function parseOtaInform(payload: string): { id: string; version: string; module?: string } | undefined {
  const body = json(payload);
  const params = body?.params;
  if (!isObject(params) || typeof params.version !== 'string' || params.version.length === 0 || params.version.length > 64) return undefined;
  const module = typeof params.module === 'string' && params.module !== '' && params.module !== 'default' ? params.module.slice(0, 64) : undefined;
  return { id: idOf(body?.id), version: params.version, ...(module ? { module } : {}) };
}

/** `thing/deviceinfo/update`: `{"id", "params": [{"attrKey", "attrValue"}]}` → tags by key. */
export function parseDeviceInfoUpdate(payload: string): { id: string; tags: Record<string, AttributeValue> } | undefined {
  const body = json(payload);
  if (!body || !Array.isArray(body.params)) return undefined;
  const tags: Record<string, AttributeValue> = {};
  for (const t of body.params) {
    if (!isObject(t) || typeof t.attrKey !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(t.attrKey)) return undefined;
    const v = t.attrValue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
    tags[`tag:${t.attrKey.replace(/\./g, '_')}`] = typeof v === 'string' ? v.slice(0, 256) : v;
  }
  return { id: idOf(body.id), tags };
}

/** `thing/property/desired/get`: `{"id", "params": ["MeasureEnabled", …]}`. */
export function parseDesiredGet(payload: string): { id: string; properties: string[] } | undefined {
  const body = json(payload);
  if (!body || !Array.isArray(body.params) || !body.params.every((p) => typeof p === 'string')) return undefined;
  return { id: idOf(body.id), properties: body.params as string[] };
}

/** The message id of any Alink request body ('' when it has none). */
export function requestIdOf(payload: string): string {
  return idOf(json(payload)?.id);
}
