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
import { checkVital, Reading, vitalByProperty } from '../vitals';
import { RejectKind } from './codes';

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

export function decodePropertyPost(payload: string, receivedAt: number): DecodeResult {
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

  const rejected: Rejection[] = [];
  const byTime = new Map<number, Reading & { timed: boolean }>();
  for (const [property, raw] of Object.entries(body.params)) {
    const spec = vitalByProperty(property);
    if (!spec) {
      rejected.push({ kind: 'unknown-property', property, message: `unknown property ${property}` });
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
  return { ok: true, value: { id, readings: [...byTime.values()], rejected } };
}
