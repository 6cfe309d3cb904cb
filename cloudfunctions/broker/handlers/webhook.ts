/**
 * EMQX's rule-engine webhook: device messages and connection events, stored before the answer.
 *
 * - Telemetry and presence go through the same `ingest` batch as with the embedded broker
 *   (validation, idempotent storage, rejection counts); presence is ordered by the event's own time.
 * - A device's reply to a command is kept for the `command` function waiting for it (another
 *   instance), and a successful property-set reply becomes the device's reported state.
 * - Only after storage succeeded: the Alink replies go back to the devices, the retained presence
 *   message is refreshed, and a device that subscribed to its commands gets the desired state it
 *   lacks — all through the broker's API, and none of them worth a redelivery if they fail.
 *
 * The answer is 200 only when everything is stored (events outside the time window are counted as
 * `stale`, events that are not what EMQX sends as `malformed`, and both dropped), 400 for a
 * request that can never succeed — an unreadable envelope, or no event both well-formed and inside
 * the window (EMQX must not resend it) — and 503 when storage failed (EMQX resends; storing twice
 * is harmless).
 * With an external broker, a device's PUBACK means "EMQX has it", and EMQX's retries of this
 * webhook are what brings it to storage (docs/deploy.md, "EMQX").
 */
import { type Err, err, ErrorCode, ok } from '../../../core';
import { autoSubscriptions, deviceIdOf, ntpResponse, parseClientId, parseDeviceId, parseReply, parseTopic, topicMatches, topics } from '../../../core/alink';
import { confirmedSettings, desiredStateMessage } from '../../../backend/device-control/messages';
import type { PublishOptions } from '../../../backend/broker-api/types';
import type { FunctionDeps } from '../../../backend/runtime/deps';
import { broker, webhookEvent } from '../../../core/api/contract/broker';
import { parseItem } from '../../../core/api/contract/define';
import { typed } from '../../../backend/runtime/handler';
import type { IngestMessage, IngestResult } from '../../ingest/messages';
import { storeBatch } from '../../ingest/handlers/batch';
import { type BrokerEvent, brokerEvent } from '../events';

/** Events older (or further in the future) than this are refused. Default 10 minutes. */
export const DEFAULT_MAX_EVENT_AGE_MS = 10 * 60_000;
/** Ids the backend gives its commands: Alink's decimal ids (backend/device-control/messages.ts). */
const REPLY_ID = /^\d{1,10}$/;

/** A device's reply to a command, or undefined when the message is something else. */
async function recordCommandReply(deps: FunctionDeps, e: Extract<BrokerEvent, { kind: 'publish' }>): Promise<boolean> {
  const t = parseTopic(e.topic);
  if (!t || (t.kind !== 'property.set.reply' && t.kind !== 'service.reply') || deviceIdOf(t) !== e.deviceId) return false;
  const reply = parseReply(e.payload);
  // Only an answer that can be one to the backend's commands (decimal Alink ids); anything else
  // goes to `ingest`, which counts it against the device instead of failing the request.
  if (!reply || !REPLY_ID.test(reply.id)) return false;
  await deps.store.recordCommandReply({
    deviceId: e.deviceId,
    id: reply.id,
    code: reply.code,
    ...(reply.message ? { message: reply.message } : {}),
    data: reply.data,
    at: e.receivedAt,
  });
  // A standard reply (`data: {}`) to the desired-state message confirms that state; the `command`
  // function records what it sent itself when its own command is answered so.
  const settings =
    t.kind === 'property.set.reply' && reply.code === 200 ? confirmedSettings(reply.id, reply.data, await deps.store.deviceState(e.deviceId)) : undefined;
  if (settings) await deps.store.setReported(e.deviceId, settings, e.receivedAt);
  return true;
}

/** Everything sent back through the broker after storage; failures are logged, not answered. */
async function afterStored(deps: FunctionDeps, events: BrokerEvent[], result: IngestResult): Promise<void> {
  const broker = deps.broker;
  if (!broker) return;
  const sends: Array<Promise<void>> = [];
  // Each send's failure is caught as it starts: they run while the store is still being read.
  const send = (topic: string, payload: string, opts: PublishOptions) =>
    sends.push(
      broker.publish(topic, payload, opts).catch((e: Error) => deps.log.once(`broker-send:${e.message}`, `sending through the broker failed: ${e.message}`)),
    );
  for (const r of result.replies) if (r) send(r.topic, r.payload, { qos: 0 });
  const presence = new Set(events.flatMap((e) => (e.kind === 'presence' ? [e.deviceId] : [])));
  for (const deviceId of presence) {
    const ref = parseDeviceId(deviceId);
    const s = await deps.store.deviceStatus(deviceId);
    // The stored state, not the event: events may arrive out of order, storage keeps the latest.
    if (ref && s) send(topics.presence(ref), JSON.stringify({ online: s.online, at: s.presenceAt ?? deps.now() }), { qos: 1, retain: true });
  }
  for (const e of events) {
    // Clock sync: EMQX received the request at `publish_received_at`; the answer leaves now.
    if (e.kind !== 'publish') continue;
    const t = parseTopic(e.topic);
    if (t?.kind !== 'ntp.request' || deviceIdOf(t) !== e.deviceId) continue;
    const response = ntpResponse(e.payload, e.receivedAt, deps.now());
    if (response) send(topics.ntpResponse(t), response, { qos: 0 });
  }
  // Link SDK devices (`_ss=1` in the client id) send no SUBSCRIBE: subscribe them on connecting, as
  // Alibaba's broker does (EMQX's auto-subscribe module cannot name their topics: docs/deploy.md).
  for (const e of events) {
    if (e.kind !== 'presence' || !e.online || !e.clientId) continue;
    const ref = parseDeviceId(e.deviceId);
    const cid = parseClientId(e.clientId);
    if (!ref || !cid.ok || !cid.value.autoSubscribe) continue;
    sends.push(
      broker
        .subscribe(
          e.clientId,
          autoSubscriptions(ref).map((topic) => ({ topic, qos: 1 as const })),
        )
        .catch((x: Error) => deps.log.once(`broker-subscribe:${x.message}`, `automatic subscription through the broker failed: ${x.message}`)),
    );
  }
  for (const e of events) {
    if (e.kind !== 'subscribed') continue;
    const ref = parseDeviceId(e.deviceId);
    // Its own SUBSCRIBE, or EMQX's automatic subscription of `/sys/{pk}/{dn}/#` (docs/deploy.md).
    if (!ref || !topicMatches(e.topic, topics.propertySet(ref))) continue;
    const message = desiredStateMessage(ref, await deps.store.deviceState(e.deviceId));
    if (message) send(message.topic, message.payload, { qos: 1 });
  }
  await Promise.all(sends);
}

export const webhook = typed(broker.webhook, async ({ input, deps }) => {
  // Each event on its own: a malformed one is refused and counted, the others are still stored
  // (EMQX cannot fix it by resending). Only a request with nothing readable is a BAD_REQUEST.
  const events: BrokerEvent[] = [];
  let firstProblem: Err | undefined;
  input.events.forEach((raw, i) => {
    const e = parseItem(webhookEvent, raw, `events.${i}`);
    if (e.ok) events.push(brokerEvent(e.value));
    else firstProblem ??= e;
  });
  const malformed = input.events.length - events.length;
  const first = events[0];
  if (!first) return firstProblem ?? err(ErrorCode.BadRequest, 'no events');
  if (firstProblem)
    deps.log.once(`webhook-malformed:${firstProblem.message}`, `broker webhook: ${malformed} malformed event(s) refused, e.g. ${firstProblem.message}`);
  const now = deps.now();
  const maxAge = deps.brokerHook?.maxEventAgeMs ?? DEFAULT_MAX_EVENT_AGE_MS;
  // An event outside the window (a replayed request, a retry EMQX kept too long) is refused on its
  // own and counted; the others in the same request are still stored, and the answer stays 200,
  // since resending would not make it any younger.
  const fresh = events.filter((e) => Math.abs(now - e.at) <= maxAge);
  const stale = events.length - fresh.length;
  if (fresh.length === 0) {
    return err(
      ErrorCode.BadRequest,
      `every event is outside the time window: the first is ${Math.round((now - first.at) / 1000)} s from now; accepted within ${maxAge / 1000} s`,
    );
  }
  if (stale) deps.log.once(`webhook-stale:${Math.floor(now / 60_000)}`, `broker webhook: ${stale} event(s) older than ${maxAge / 1000} s refused`);
  const messages: IngestMessage[] = [];
  let commandReplies = 0;
  for (const e of fresh) {
    if (e.kind === 'publish') {
      if (await recordCommandReply(deps, e)) commandReplies++;
      else messages.push({ type: 'telemetry', deviceId: e.deviceId, topic: e.topic, payload: e.payload, receivedAt: e.receivedAt });
    } else if (e.kind === 'presence') {
      messages.push({ type: 'presence', deviceId: e.deviceId, online: e.online, at: e.at });
    }
  }
  const stored = await storeBatch(deps, messages);
  if (!stored.ok) return stored;
  const result = stored.data;
  await afterStored(deps, fresh, result);
  const ignored = fresh.filter((e) => e.kind === 'ignored').length;
  return ok({
    events: input.events.length,
    stored: result.stored,
    duplicates: result.duplicates,
    rejected: result.rejected,
    commandReplies,
    ignored,
    stale,
    malformed,
  });
});
