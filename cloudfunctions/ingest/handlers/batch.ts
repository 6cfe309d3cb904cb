/**
 * Stores a batch of device messages: decodes and validates telemetry, appends all readings of the
 * batch in one idempotent transaction, applies presence, and counts every rejection per device
 * and kind, then evaluates alerts over the new readings (backend/alerts). Returns the reply for each message; if storage fails the whole batch fails, so the
 * broker does not acknowledge anything that was not stored.
 */
import { createHash } from 'node:crypto';
import { err, ErrorCode, ok } from '../../../core';
import { buildReply, decodePropertyPost, deviceIdOf, Method, parseDeviceId, parseTopic, RejectKind, ReplyCode, topics } from '../../../core/alink';
import type { Handler } from '../../../backend/runtime/handler';
import { alertEngineOf } from '../../../backend/alerts';
import type { PresenceEvent, ReadingBatchItem, RejectionEvent } from '../../../backend/store/types';
import { IngestReply, IngestResult, parseBatch } from '../messages';

const REJECT_CODE: Partial<Record<RejectKind, number>> = {
  'too-large': ReplyCode.TooLarge,
  'rate-limited': ReplyCode.RateLimited,
};

function fingerprint(payload: string): string {
  return createHash('sha1').update(payload).digest('base64').slice(0, 16);
}

export const batch: Handler = async ({ event, deps }) => {
  const parsed = parseBatch(event.messages);
  if (!parsed.ok) return err(ErrorCode.BadRequest, parsed.message);
  const { store, log } = deps;

  const replies: Array<IngestReply | null> = [];
  const items: ReadingBatchItem[] = [];
  const presence: PresenceEvent[] = [];
  const rejections: RejectionEvent[] = [];
  const known = new Map<string, boolean>();
  const reject = (deviceId: string, kind: RejectKind, at: number, detail: string) => {
    rejections.push({ deviceId, kind, at, detail });
    log.once(`${deviceId}:${kind}`, `device ${deviceId} sent bad input (${kind}): ${detail} [logged once per device and kind]`);
  };

  for (const m of parsed.messages) {
    if (!known.has(m.deviceId)) known.set(m.deviceId, (await store.getDevice(m.deviceId)) !== undefined);
    if (m.type === 'presence') {
      replies.push(null);
      if (known.get(m.deviceId)) presence.push({ deviceId: m.deviceId, online: m.online, at: m.at });
      continue;
    }
    if (m.type === 'rejected') {
      reject(m.deviceId, m.kind, m.receivedAt, m.detail);
      replies.push({ code: REJECT_CODE[m.kind] ?? ReplyCode.Malformed, id: '', message: m.detail });
      continue;
    }
    const topic = parseTopic(m.topic);
    if (!known.get(m.deviceId) || topic?.kind !== 'property.post' || deviceIdOf(topic) !== m.deviceId) {
      reject(m.deviceId, 'unexpected-topic', m.receivedAt, `not a property post of a registered device: ${m.topic}`);
      replies.push({ code: ReplyCode.Malformed, id: '', message: 'unexpected topic' });
      continue;
    }
    const decoded = decodePropertyPost(m.payload, m.receivedAt);
    if (!decoded.ok) {
      reject(m.deviceId, decoded.rejection.kind, m.receivedAt, decoded.rejection.message);
      replies.push({ code: ReplyCode.Malformed, id: decoded.id ?? '', message: decoded.rejection.message });
      continue;
    }
    const { id, readings, rejected } = decoded.value;
    for (const r of rejected) reject(m.deviceId, r.kind, m.receivedAt, r.message);
    if (readings.length === 0 && rejected.length === 0) {
      reject(m.deviceId, 'missing-params', m.receivedAt, 'params is empty');
      replies.push({ code: ReplyCode.Malformed, id: id ?? '', message: 'params is empty' });
      continue;
    }
    const reply: IngestReply = rejected.length
      ? { code: ReplyCode.InvalidParams, id: id ?? '', message: rejected.map((r) => r.message).join('; ') }
      : { code: ReplyCode.Ok, id: id ?? '', message: 'success' };
    replies.push(reply);
    if (readings.length) {
      items.push({
        deviceId: m.deviceId,
        msgId: id,
        fingerprint: id === undefined ? undefined : fingerprint(m.payload),
        receivedAt: m.receivedAt,
        readings: readings.map(({ timed: _timed, ...r }) => r),
      });
    }
  }

  const appended = items.length ? await store.appendReadings(items) : { duplicate: [], written: 0 };
  if (presence.length) await store.applyPresence(presence);
  if (rejections.length) await store.countRejections(rejections);
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
    const ref = r && parseDeviceId(parsed.messages[i].deviceId);
    return r && ref ? { topic: topics.propertyPostReply(ref), payload: buildReply({ ...r, method: Method.PropertyPost }), code: r.code } : null;
  });
  const result: IngestResult = { replies: encoded, stored: items.length - duplicates, duplicates, rejected: rejections.length };
  return ok(result);
};
