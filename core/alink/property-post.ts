/**
 * Decoding of `thing.event.property.post` messages into readings.
 *
 *   {"id":"123","version":"1.0","method":"thing.event.property.post",
 *    "params":{"BodyTemperature":36.6,"HeartRate":{"value":72,"time":1700000000000},"SpO2":98.1}}
 *
 * `params` values are plain numbers (time = receive time) or `{value, time}`; `id` may be missing
 * (then redelivery cannot be recognised). Each property is validated on its own: valid ones are
 * kept even when others in the same message are rejected, so one bad sensor does not lose the rest.
 */
import { checkVital, type Reading, vitalByProperty } from '../vitals';
import type { RejectKind } from './codes';

/** A non-vital property's value as kept (objects and arrays as JSON text, at most 256 characters). */
export type AttributeValue = string | number | boolean;
const MAX_ATTRIBUTE_TEXT = 256;
const ATTRIBUTE_NAME_RE = /^[A-Za-z0-9_:-]{1,64}$/;

function attributeValue(raw: unknown): AttributeValue | undefined {
  if (typeof raw === 'string') return raw.slice(0, MAX_ATTRIBUTE_TEXT);
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === 'boolean') return raw;
  if (raw === null || raw === undefined) return undefined;
  return JSON.stringify(raw).slice(0, MAX_ATTRIBUTE_TEXT);
}

/** How far ahead of the server clock a device timestamp may be (clock skew). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** How old a buffered reading may be; older timestamps are treated as a wrong clock. */
export const MAX_READING_AGE_MS = 30 * 24 * 3_600_000;

export interface Rejection {
  kind: RejectKind;
  property?: string;
  message: string;
}

export interface DecodedPost {
  /** Message id as a string, if the device sent one. */
  id?: string;
  /** Readings grouped by measurement time; `timed: false` means the receive time was used. */
  readings: Array<Reading & { timed: boolean }>;
  rejected: Rejection[];
  /**
   * Latest values of properties that are not vitals (`MACAddress`, settings the device reports …):
   * kept as the device's attributes, never rejected.
   */
  attributes: Record<string, AttributeValue>;
  /** False when the device asked for no reply (`"sys": {"ack": 0}`). */
  ack: boolean;
}

export type DecodeResult = { ok: true; value: DecodedPost } | { ok: false; rejection: Rejection; id?: string };

function messageId(raw: unknown): string | undefined {
  if (typeof raw === 'string' && raw.length > 0 && raw.length <= 64) return raw;
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) return String(raw);
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses the envelope shared by property post and batch post; `params` is checked to be an object. */
function envelope(
  payload: string,
): { ok: true; body: Record<string, unknown>; params: Record<string, unknown>; id?: string; ack: boolean } | Extract<DecodeResult, { ok: false }> {
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return { ok: false, rejection: { kind: 'malformed-json', message: 'payload is not valid JSON' } };
  }
  if (!isObject(body)) return { ok: false, rejection: { kind: 'not-object', message: 'payload must be a JSON object' } };
  const id = messageId(body.id);
  if (!isObject(body.params)) {
    return { ok: false, id, rejection: { kind: 'missing-params', message: 'payload has no "params" object' } };
  }
  const ack = !(isObject(body.sys) && body.sys.ack === 0);
  return { ok: true, body, params: body.params, id, ack };
}

/** Whether a decoded message wants a reply (`sys.ack` is not 0); an undecodable one always gets one. */
export function wantsReply(payload: string): boolean {
  const e = envelope(payload);
  return !e.ok || e.ack;
}

function decodeValues(entries: Array<[string, unknown]>, receivedAt: number): Pick<DecodedPost, 'readings' | 'rejected' | 'attributes'> {
  const rejected: Rejection[] = [];
  const attributes: Record<string, AttributeValue> = {};
  const attributeTime = new Map<string, number>();
  const byTime = new Map<number, Reading & { timed: boolean }>();
  for (const [property, raw] of entries) {
    const spec = vitalByProperty(property);
    if (!spec) {
      // Not a vital: the device's own business (a MAC address, a firmware flag). Kept, latest wins.
      const inner = isObject(raw) && 'value' in raw ? raw.value : raw;
      const t = isObject(raw) && typeof raw.time === 'number' ? raw.time : receivedAt;
      const v = attributeValue(inner);
      if (v !== undefined && ATTRIBUTE_NAME_RE.test(property) && t >= (attributeTime.get(property) ?? -Infinity)) {
        attributes[property] = v;
        attributeTime.set(property, t);
      }
      continue;
    }
    let value: unknown = raw;
    let ts = receivedAt;
    let timed = false;
    if (isObject(raw)) {
      value = raw.value;
      if (raw.time !== undefined) {
        const t = raw.time;
        if (typeof t !== 'number' || !Number.isSafeInteger(t) || t > receivedAt + MAX_FUTURE_SKEW_MS || t < receivedAt - MAX_READING_AGE_MS) {
          rejected.push({ kind: 'bad-time', property, message: `${property}.time must be ms since the epoch within the last 30 days` });
          continue;
        }
        ts = t;
        timed = true;
      }
    }
    const check = checkVital(spec, value);
    if (!check.ok) {
      rejected.push({ kind: check.reason === 'type' ? 'wrong-type' : 'out-of-range', property, message: check.message });
      continue;
    }
    const reading = byTime.get(ts) ?? { ts, timed };
    reading[spec.key] = check.value;
    byTime.set(ts, reading);
  }
  return { readings: [...byTime.values()], rejected, attributes };
}

export function decodePropertyPost(payload: string, receivedAt: number): DecodeResult {
  const e = envelope(payload);
  if (!e.ok) return e;
  return { ok: true, value: { id: e.id, ack: e.ack, ...decodeValues(Object.entries(e.params), receivedAt) } };
}

/**
 * `thing.event.property.batch.post`: `params.properties` maps each property to a list of
 * `{value, time}` (a single value is accepted too); stored exactly like the same values posted one
 * by one. `params.events` are routed, not stored.
 */
export function decodePropertyBatchPost(payload: string, receivedAt: number): DecodeResult {
  const e = envelope(payload);
  if (!e.ok) return e;
  const props = e.params.properties;
  if (props !== undefined && !isObject(props)) {
    return { ok: false, id: e.id, rejection: { kind: 'missing-params', message: 'params.properties must be an object' } };
  }
  const entries: Array<[string, unknown]> = [];
  for (const [property, list] of Object.entries(props ?? {})) {
    for (const raw of Array.isArray(list) ? list : [list]) entries.push([property, raw]);
  }
  return { ok: true, value: { id: e.id, ack: e.ack, ...decodeValues(entries, receivedAt) } };
}
