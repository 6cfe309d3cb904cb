/**
 * `ingest`: what the broker's message flow sends — a batch of device messages in arrival order.
 * The same shape arrives from the embedded broker (in-process) and from a production broker's
 * webhook (through the `broker` function), see docs/protocol.md "Broker to backend".
 *
 * The envelope is checked here; the messages one by one by the function (`ingestMessage`): a
 * malformed one is counted as rejected and answered with no reply, and the others are stored.
 */
import * as v from 'valibot';
import type { RejectKind } from '../../alink';
import { action } from './define';

/** At most this many messages in one batch. */
export const MAX_BATCH = 5000;

/** A time the broker stamped: ms UTC. */
const ms = v.pipe(v.number(), v.safeInteger('must be a time in ms'), v.minValue(0, 'must be a time in ms'));
/** `{productKey}/{deviceName}` of the authenticated sender (set by the broker, not the device). */
const deviceId = v.string();

const telemetry = v.object({
  type: v.literal('telemetry'),
  deviceId,
  topic: v.string(),
  /** UTF-8 payload as received. */
  payload: v.string(),
  /** Broker receive time. */
  receivedAt: ms,
});
/** A message the broker refused to forward (too large, rate limited); counted, answered. */
const rejected = v.object({
  type: v.literal('rejected'),
  deviceId,
  // Any kind is counted; one the reply codes do not know is answered as malformed.
  kind: v.custom<RejectKind>((k) => typeof k === 'string', 'must be a string'),
  detail: v.string(),
  receivedAt: ms,
});
const presence = v.object({ type: v.literal('presence'), deviceId, online: v.boolean(), at: ms });

export const ingestMessage = v.pipe(
  v.looseObject({}, 'must be an object'),
  v.variant('type', [telemetry, rejected, presence], 'must be telemetry, rejected or presence'),
);

export type TelemetryMessage = v.InferOutput<typeof telemetry>;
export type RejectedMessage = v.InferOutput<typeof rejected>;
export type PresenceMessage = v.InferOutput<typeof presence>;
export type IngestMessage = v.InferOutput<typeof ingestMessage>;

/** A reply ready to send: the broker publishes `payload` on `topic` to the device, as it is. */
export interface DeviceReply {
  topic: string;
  payload: string;
  code: number;
}

export interface IngestResult {
  /** Per message: the Alink reply to send (telemetry and rejections), or null (presence, malformed). */
  replies: Array<DeviceReply | null>;
  /** Messages whose readings were newly stored. */
  stored: number;
  /** Messages recognised as redeliveries (acknowledged, not stored again). */
  duplicates: number;
  /** Messages or properties rejected, malformed messages included. */
  rejected: number;
}

export const ingest = {
  batch: action<IngestResult>()(
    v.object({ messages: v.pipe(v.array(v.unknown(), 'must be an array'), v.maxLength(MAX_BATCH, `must hold at most ${MAX_BATCH} messages`)) }),
  ),
};
