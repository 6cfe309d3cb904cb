/**
 * Stores a batch of device messages: decodes and validates telemetry, appends all readings of the
 * batch in one idempotent transaction, applies presence, and counts every rejection per device
 * and kind, then evaluates alerts over the new readings (backend/alerts). Returns the reply for
 * each message; if storage fails the whole batch fails, so the broker does not acknowledge
 * anything that was not stored.
 */
import * as crypto from 'node:crypto';
import { ok, type Result } from '../../../core';
import {
  buildReply,
  decodePropertyBatchPost,
  type DecodedPost,
  decodePropertyPost,
  DesiredProperty,
  deviceIdOf,
  isUplink,
  MAX_READING_AGE_MS,
  Method,
  parseDesiredGet,
  parseDeviceId,
  parseDeviceInfoUpdate,
  parseOtaInform,
  parseTopic,
  type RejectKind,
  ReplyCode,
  reported,
  requestIdOf,
  topics,
  wantsReply,
} from '../../../core/alink';
import { parseItem } from '../../../core/api/contract/define';
import { ingest, ingestMessage } from '../../../core/api/contract/ingest';
import type { FunctionDeps } from '../../../backend/runtime/deps';
import { typed } from '../../../backend/runtime/handler';
import { alertEngineOf } from '../../../backend/alerts';
import { type DeviceInfoUpdate, MESSAGE_ID_TTL_MS, type PresenceEvent, type ReadingBatchItem, type RejectionEvent } from '../../../backend/store/types';
import type { IngestMessage, IngestReply, IngestResult } from '../messages';

/** A reply before it is encoded: where it goes and what it says. */
type PendingReply = IngestReply & { topic?: string; method?: string; data?: Record<string, unknown> };

/** Uplink topics that are routed to their subscribers and never stored: no reply, nothing counted. */
const ROUTED_ONLY = new Set(['event.post', 'property.set.reply', 'service.reply', 'rrpc.response', 'ext.rrpc', 'ntp.request', 'ota.progress', 'user']);

const REJECT_CODE: Partial<Record<RejectKind, number>> = {
  'too-large': ReplyCode.TooLarge,
  'rate-limited': ReplyCode.RateLimited,
};

/**
 * Whether a redelivery of this message, arriving up to `MESSAGE_ID_TTL_MS` later, decodes to the
 * same readings (`ReadingBatchItem.timed`). The decoder keeps a reading by its time relative to
 * the arrival: one refused as too far ahead could be kept later, and one close to the oldest
 * accepted age would be refused later. Only messages whose readings all carry the device's time,
 * none refused for it and none that close, qualify; the others keep their id in the id table.
 */
function redeliveredAlike(post: DecodedPost, receivedAt: number): boolean {
  if (post.rejected.some((r) => r.kind === 'bad-time')) return false;
  const oldestSafe = receivedAt - MAX_READING_AGE_MS + MESSAGE_ID_TTL_MS;
  return post.readings.every((r) => r.timed && r.ts >= oldestSafe);
}

/**
 * One-shot hashing where the runtime has it (Node 20.12+: a third of the time for a short
 * payload); CloudBase's Node 18.15 runtime has not, and gets the same digest the longer way.
 */
const sha1Base64: (s: string) => string =
  typeof crypto.hash === 'function' ? (s) => crypto.hash('sha1', s, 'base64') : (s) => crypto.createHash('sha1').update(s).digest('base64');

function fingerprint(payload: string): string {
  return sha1Base64(payload).slice(0, 16);
}

/**
 * Stores `messages` (each checked on its own: a malformed one is counted as rejected and gets no
 * reply, the others are stored). Also called by the `broker` webhook with the messages it built.
 */
export async function storeBatch(deps: FunctionDeps, messages: readonly unknown[]): Promise<Result<IngestResult>> {
  const { store, log } = deps;
  // Per input message, the checked message or undefined (malformed): replies follow the input.
  const parsed: Array<IngestMessage | undefined> = [];
  let malformed = 0;
  messages.forEach((raw, i) => {
    const m = parseItem(ingestMessage, raw, `messages.${i}`);
    if (m.ok) {
      parsed.push(m.value);
    } else {
      parsed.push(undefined);
      malformed++;
      log.once(`ingest-malformed:${m.message}`, `ingest: malformed message refused: ${m.message} [logged once per problem]`);
    }
  });

  const replies: Array<PendingReply | null> = [];
  const items: ReadingBatchItem[] = [];
  const presence: PresenceEvent[] = [];
  const rejections: RejectionEvent[] = [];
  const info: DeviceInfoUpdate[] = [];
  // One lookup for the batch's devices (no secrets read): unknown ones' messages are rejected below.
  const known = await store.existingDevices([...new Set(parsed.flatMap((m) => (m ? [m.deviceId] : [])))]);
  const reject = (deviceId: string, kind: RejectKind, at: number, detail: string) => {
    rejections.push({ deviceId, kind, at, detail });
    log.once(`${deviceId}:${kind}`, `device ${deviceId} sent bad input (${kind}): ${detail} [logged once per device and kind]`);
  };

  for (const m of parsed) {
    if (!m) {
      replies.push(null);
      continue;
    }
    if (m.type === 'presence') {
      replies.push(null);
      if (known.has(m.deviceId)) presence.push({ deviceId: m.deviceId, online: m.online, at: m.at });
      continue;
    }
    if (m.type === 'rejected') {
      reject(m.deviceId, m.kind, m.receivedAt, m.detail);
      replies.push({ code: REJECT_CODE[m.kind] ?? ReplyCode.Malformed, id: '', message: m.detail });
      continue;
    }
    const topic = parseTopic(m.topic);
    if (!known.has(m.deviceId) || !topic || deviceIdOf(topic) !== m.deviceId || !isUplink(topic.kind)) {
      reject(m.deviceId, 'unexpected-topic', m.receivedAt, `not an uplink topic of a registered device: ${m.topic}`);
      replies.push({ code: ReplyCode.Malformed, id: '', message: 'unexpected topic' });
      continue;
    }
    if (ROUTED_ONLY.has(topic.kind)) {
      replies.push(null);
      continue;
    }
    if (topic.kind === 'ota.inform') {
      // No reply: Alink answers a version inform with an upgrade, when there is one.
      const inform = parseOtaInform(m.payload);
      if (!inform) reject(m.deviceId, 'missing-params', m.receivedAt, 'OTA inform without params.version');
      else if (inform.module) info.push({ deviceId: m.deviceId, attributes: { [`firmware:${inform.module}`]: inform.version }, at: m.receivedAt });
      else info.push({ deviceId: m.deviceId, firmwareVersion: inform.version, at: m.receivedAt });
      replies.push(null);
      continue;
    }
    const replyTopic = topics.reply(m.topic);
    if (topic.kind === 'deviceinfo.update') {
      const update = parseDeviceInfoUpdate(m.payload);
      if (!update) {
        reject(m.deviceId, 'missing-params', m.receivedAt, 'deviceinfo update needs params [{attrKey, attrValue}]');
        replies.push({
          topic: replyTopic,
          method: 'thing.deviceinfo.update',
          code: ReplyCode.Malformed,
          id: requestIdOf(m.payload),
          message: 'params must be [{attrKey, attrValue}]',
        });
        continue;
      }
      if (Object.keys(update.tags).length) info.push({ deviceId: m.deviceId, attributes: update.tags, at: m.receivedAt });
      // Parsed here only: a property post's decoder reads `sys.ack` itself (one JSON parse a message).
      replies.push(
        wantsReply(m.payload) ? { topic: replyTopic, method: 'thing.deviceinfo.update', code: ReplyCode.Ok, id: update.id, message: 'success' } : null,
      );
      continue;
    }
    if (topic.kind === 'desired.get') {
      const get = parseDesiredGet(m.payload);
      if (!get) {
        replies.push({
          topic: replyTopic,
          method: 'thing.property.desired.get',
          code: ReplyCode.Malformed,
          id: requestIdOf(m.payload),
          message: 'params must be a list of property names',
        });
        continue;
      }
      const { desired } = await store.deviceState(m.deviceId);
      const values: Record<string, unknown> = desired ? reported(desired) : {};
      const data: Record<string, unknown> = {};
      for (const p of get.properties.length ? get.properties : Object.values(DesiredProperty)) {
        if (desired && values[p] !== undefined) data[p] = { value: values[p], version: desired.at };
      }
      replies.push({ topic: replyTopic, method: 'thing.property.desired.get', code: ReplyCode.Ok, id: get.id, message: 'success', data });
      continue;
    }
    const batchPost = topic.kind === 'property.batch.post';
    const method = batchPost ? 'thing.event.property.batch.post' : Method.PropertyPost;
    const decoded = batchPost ? decodePropertyBatchPost(m.payload, m.receivedAt) : decodePropertyPost(m.payload, m.receivedAt);
    if (!decoded.ok) {
      reject(m.deviceId, decoded.rejection.kind, m.receivedAt, decoded.rejection.message);
      replies.push({ topic: replyTopic, method, code: ReplyCode.Malformed, id: decoded.id ?? '', message: decoded.rejection.message });
      continue;
    }
    const { id, readings, rejected, attributes } = decoded.value;
    for (const r of rejected) reject(m.deviceId, r.kind, m.receivedAt, r.message);
    if (Object.keys(attributes).length) info.push({ deviceId: m.deviceId, attributes, at: m.receivedAt });
    if (readings.length === 0 && rejected.length === 0 && Object.keys(attributes).length === 0) {
      reject(m.deviceId, 'missing-params', m.receivedAt, 'params is empty');
      replies.push({ topic: replyTopic, method, code: ReplyCode.Malformed, id: id ?? '', message: 'params is empty' });
      continue;
    }
    const reply: PendingReply = rejected.length
      ? { topic: replyTopic, method, code: ReplyCode.InvalidParams, id: id ?? '', message: rejected.map((r) => r.message).join('; ') }
      : { topic: replyTopic, method, code: ReplyCode.Ok, id: id ?? '', message: 'success' };
    // `"sys": {"ack": 0}`: the device wants no reply (the PUBACK still confirms storage).
    replies.push(decoded.value.ack ? reply : null);
    if (readings.length) {
      items.push({
        deviceId: m.deviceId,
        msgId: id,
        fingerprint: id === undefined ? undefined : fingerprint(m.payload),
        receivedAt: m.receivedAt,
        readings: readings.map(({ timed: _timed, ...r }) => r),
        timed: redeliveredAlike(decoded.value, m.receivedAt),
      });
    }
  }

  const appended = items.length ? await store.appendReadings(items) : { duplicate: [], written: 0 };
  if (presence.length) await store.applyPresence(presence);
  if (rejections.length) await store.countRejections(rejections);
  if (info.length) await store.updateDeviceInfo(info);
  // Alerts right after the readings are stored. They are stored whatever happens here, so a failure
  // is logged and the batch still succeeds (the timer's check and the next batch catch up).
  if (items.length) {
    try {
      await alertEngineOf(deps).onReadings(items, appended.duplicate);
    } catch (e) {
      log.warn(`alert evaluation failed: ${(e as Error)?.stack ?? String(e)}`);
    }
  }
  const duplicates = appended.duplicate.filter(Boolean).length;
  // Encoded here, once, so the broker only forwards bytes (and a production broker's webhook can too).
  const encoded = replies.map((r, i) => {
    const message = parsed[i];
    const ref = r && message && parseDeviceId(message.deviceId);
    if (!r || !ref) return null;
    const { topic, method, ...body } = r;
    return { topic: topic ?? topics.propertyPostReply(ref), payload: buildReply({ ...body, method: method ?? Method.PropertyPost }), code: r.code };
  });
  return ok({ replies: encoded, stored: items.length - duplicates, duplicates, rejected: rejections.length + malformed });
}

export const batch = typed(ingest.batch, async ({ input, deps }) => storeBatch(deps, input.messages));
