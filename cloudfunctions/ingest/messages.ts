/**
 * What the broker's message flow sends to `ingest`: a batch of device messages in arrival order.
 * The same shape arrives from the embedded broker (in-process) and from a production broker's
 * rule/webhook (HTTP), see docs/protocol.md "Broker to backend".
 */
import type { RejectKind } from '../../core/alink';

export interface TelemetryMessage {
  type: 'telemetry';
  /** `{productKey}/{deviceName}` of the authenticated sender (set by the broker, not the device). */
  deviceId: string;
  topic: string;
  /** UTF-8 payload as received. */
  payload: string;
  /** Broker receive time, ms UTC. */
  receivedAt: number;
}

/** A message the broker refused to forward (too large, rate limited); counted, answered. */
export interface RejectedMessage {
  type: 'rejected';
  deviceId: string;
  kind: RejectKind;
  detail: string;
  receivedAt: number;
}

export interface PresenceMessage {
  type: 'presence';
  deviceId: string;
  online: boolean;
  at: number;
}

export type IngestMessage = TelemetryMessage | RejectedMessage | PresenceMessage;

/** The outcome of one message, before it is encoded as an Alink reply. */
export interface IngestReply {
  code: number;
  /** Message id to echo in the reply ('' if the device sent none). */
  id: string;
  message: string;
}

/** A reply ready to send: the broker publishes `payload` on `topic` to the device, as it is. */
export interface DeviceReply {
  topic: string;
  payload: string;
  code: number;
}

export interface IngestResult {
  /** Per message: the Alink reply to send (telemetry and rejections), or null (presence). */
  replies: Array<DeviceReply | null>;
  /** Messages whose readings were newly stored. */
  stored: number;
  /** Messages recognised as redeliveries (acknowledged, not stored again). */
  duplicates: number;
  /** Messages or properties rejected. */
  rejected: number;
}

export const MAX_BATCH = 5000;

export type ParsedBatch = { ok: true; messages: IngestMessage[] } | { ok: false; message: string };

function isStr(v: unknown): v is string {
  return typeof v === 'string';
}
function isMs(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Checks the batch envelope (the flow is trusted code, but a webhook may be misconfigured). */
export function parseBatch(raw: unknown): ParsedBatch {
  if (!Array.isArray(raw)) return { ok: false, message: '"messages" must be an array' };
  if (raw.length > MAX_BATCH) return { ok: false, message: `at most ${MAX_BATCH} messages per batch` };
  for (let i = 0; i < raw.length; i++) {
    const m = raw[i] as Record<string, unknown> | null;
    const bad = (why: string): ParsedBatch => ({ ok: false, message: `messages[${i}]: ${why}` });
    if (!m || typeof m !== 'object' || !isStr(m.deviceId)) return bad('needs a deviceId');
    if (m.type === 'telemetry') {
      if (!isStr(m.topic) || !isStr(m.payload) || !isMs(m.receivedAt)) return bad('telemetry needs topic, payload, receivedAt');
    } else if (m.type === 'rejected') {
      if (!isStr(m.kind) || !isStr(m.detail) || !isMs(m.receivedAt)) return bad('rejected needs kind, detail, receivedAt');
    } else if (m.type === 'presence') {
      if (typeof m.online !== 'boolean' || !isMs(m.at)) return bad('presence needs online and at');
    } else {
      return bad('type must be telemetry, rejected or presence');
    }
  }
  return { ok: true, messages: raw as IngestMessage[] };
}
