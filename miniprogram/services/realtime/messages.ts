/**
 * Topic ↔ device mapping and message decoding for the realtime client: pure functions, no I/O.
 * Telemetry is decoded by the shared `decodePropertyPost` (the same rules the backend stores by),
 * so a value the chart shows is a value the history will show.
 */
import { decodePropertyPost, deviceIdOf, parseDeviceId, parseTopic, topics, VITALS } from '../../lib/core';
import { ALERT_KINDS, alertTopic } from '../../lib/core';
import type { AlertKind, AlertRecord, DeliveryReason, Reading } from '../../lib/core';
import type { RealtimeEvent } from './types';

export interface DeviceTopics {
  /** Alink property posts: `/sys/{pk}/{dn}/thing/event/property/post`. */
  telemetry: string;
  /** Retained `{online, at}` from the broker: `/sys/{pk}/{dn}/presence`. */
  presence: string;
}

export type IgnoreReason = 'topic' | 'payload';

export type DecodedMessage =
  | { kind: 'events'; deviceId: string; events: Array<Extract<RealtimeEvent, { deviceId: string }>> }
  | { kind: 'ignored'; reason: IgnoreReason; detail: string };

export type DecodedAlert =
  | { kind: 'alert'; patientId: string; event: Extract<RealtimeEvent, { type: 'alert' }> }
  | { kind: 'ignored'; reason: IgnoreReason; detail: string };

const REASONS: readonly DeliveryReason[] = ['raise', 'upgrade', 'escalate', 'resolve', 'acknowledge'];

/** The patient id of an alert topic `/alerts/{patientId}`, else undefined. */
export function alertPatientOf(topic: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 may not appear in a topic name (MQTT 3.1.1 §4.7.3), so the id class excludes it on purpose
  const m = /^\/alerts\/([^/+#\u0000]+)$/.exec(topic);
  return m && alertTopic(m[1]) === topic ? m[1] : undefined;
}

/**
 * `{type: "alert", reason, alert}` as the backend publishes it (docs/alerts.md, Delivery). The
 * alert must belong to the topic's patient and be of a known kind (a newer backend's kind would have
 * no words here); anything else is ignored, never thrown.
 */
export function decodeAlert(patientId: string, text: string): DecodedAlert {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: 'ignored', reason: 'payload', detail: `alert of ${patientId} is not JSON` };
  }
  const a = isRecord(body) && isRecord(body.alert) ? body.alert : undefined;
  if (
    !isRecord(body) ||
    body.type !== 'alert' ||
    !REASONS.includes(body.reason as DeliveryReason) ||
    !a ||
    typeof a.id !== 'string' ||
    a.patientId !== patientId ||
    !ALERT_KINDS.includes(a.kind as AlertKind) ||
    typeof a.startedAt !== 'number'
  ) {
    return { kind: 'ignored', reason: 'payload', detail: `alert of ${patientId} is not {type: "alert", reason, alert}` };
  }
  const alert = { deliveries: [], escalations: 0, ...a } as unknown as AlertRecord;
  return { kind: 'alert', patientId, event: { type: 'alert', patientId, reason: body.reason as DeliveryReason, alert } };
}

/** A topic level may not hold MQTT wildcards or separators (MQTT-4.7.1); NUL is never allowed (MQTT-4.7.3-2). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point
const UNSAFE_LEVEL = /[/+#\u0000]/;

/**
 * The topics to subscribe for a device id `{productKey}/{deviceName}`, or undefined when the id
 * cannot name exactly one device (a wildcard in it would widen the filter to other devices).
 */
export function deviceTopics(deviceId: string): DeviceTopics | undefined {
  const ref = parseDeviceId(deviceId);
  if (!ref || UNSAFE_LEVEL.test(ref.productKey) || UNSAFE_LEVEL.test(ref.deviceName)) return undefined;
  return { telemetry: topics.propertyPost(ref), presence: topics.presence(ref) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The decoder adds `timed` (device time vs receive time); pages get plain readings. */
function plainReading(r: Reading): Reading {
  const out: Reading = { ts: r.ts };
  for (const v of VITALS) if (r[v.key] !== undefined) out[v.key] = r[v.key];
  return out;
}

function decodePresence(deviceId: string, text: string): DecodedMessage {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Includes the empty payload that clears a retained message (MQTT-3.3.1-10).
    return { kind: 'ignored', reason: 'payload', detail: `presence of ${deviceId} is not JSON` };
  }
  if (!isRecord(body) || typeof body.online !== 'boolean' || typeof body.at !== 'number' || !Number.isSafeInteger(body.at) || body.at < 0) {
    return { kind: 'ignored', reason: 'payload', detail: `presence of ${deviceId} is not {online: boolean, at: ms}` };
  }
  return { kind: 'events', deviceId, events: [{ type: 'presence', deviceId, online: body.online, at: body.at }] };
}

/**
 * Turns one MQTT message into events. Never throws: anything unexpected comes back as `ignored`
 * with a reason, for the client to count. `receivedAt` (ms) is the receive time the Alink decoder
 * uses for values without their own time and to reject impossible device clocks.
 */
export function decodeMessage(topic: string, text: string, receivedAt: number): DecodedMessage {
  const parsed = parseTopic(topic);
  if (!parsed) return { kind: 'ignored', reason: 'topic', detail: `not a device topic: ${topic}` };
  const deviceId = deviceIdOf(parsed);
  const expected = deviceTopics(deviceId);
  if (expected && topic === expected.presence) return decodePresence(deviceId, text);
  if (!expected || topic !== expected.telemetry) return { kind: 'ignored', reason: 'topic', detail: `not telemetry or presence: ${topic}` };

  const decoded = decodePropertyPost(text, receivedAt);
  if (!decoded.ok) return { kind: 'ignored', reason: 'payload', detail: `${deviceId}: ${decoded.rejection.message}` };
  // Valid properties are kept when others in the same post are rejected (one bad sensor does not
  // hide the rest); a post with nothing valid left is ignored as a whole.
  if (decoded.value.readings.length === 0) {
    const why = decoded.value.rejected[0]?.message ?? 'no properties';
    return { kind: 'ignored', reason: 'payload', detail: `${deviceId}: ${why}` };
  }
  const events = decoded.value.readings
    .slice()
    .sort((a, b) => a.ts - b.ts)
    .map((r) => ({ type: 'reading' as const, deviceId, reading: plainReading(r) }));
  return { kind: 'events', deviceId, events };
}
