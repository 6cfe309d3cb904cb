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
 * The answer is 200 only when everything is stored, 400 for a request that can never succeed
 * (EMQX must not resend it), 503 when storage failed (EMQX resends; storing twice is harmless).
 * With an external broker, a device's PUBACK means "EMQX has it", and EMQX's retries of this
 * webhook are what brings it to storage (docs/deploy.md, "EMQX").
 */
import { err, ErrorCode, ok } from '../../../core';
import { deviceIdOf, parseDeviceId, parseReply, parseTopic, settingsFromProperties, topics } from '../../../core/alink';
import { desiredStateMessage } from '../../../backend/device-control/messages';
import type { FunctionDeps } from '../../../backend/runtime/deps';
import type { Handler } from '../../../backend/runtime/handler';
import type { IngestMessage, IngestResult } from '../../ingest/messages';
import { batch } from '../../ingest/handlers/batch';
import { BrokerEvent, parseEvents } from '../events';

/** Events older (or further in the future) than this are refused. Default 10 minutes. */
export const DEFAULT_MAX_EVENT_AGE_MS = 10 * 60_000;

/** A device's reply to a command, or undefined when the message is something else. */
async function recordCommandReply(deps: FunctionDeps, e: Extract<BrokerEvent, { kind: 'publish' }>): Promise<boolean> {
  const t = parseTopic(e.topic);
  if (!t || (t.kind !== 'property.set.reply' && t.kind !== 'service.reply') || deviceIdOf(t) !== e.deviceId) return false;
  const reply = parseReply(e.payload);
  if (!reply) return false;
  await deps.store.recordCommandReply({ deviceId: e.deviceId, id: reply.id, code: reply.code, ...(reply.message ? { message: reply.message } : {}), data: reply.data, at: e.receivedAt });
  const settings = t.kind === 'property.set.reply' && reply.code === 200 ? settingsFromProperties(reply.data) : undefined;
  if (settings) await deps.store.setReported(e.deviceId, settings, e.receivedAt);
  return true;
}

/** Everything sent back through the broker after storage; failures are logged, not answered. */
async function afterStored(deps: FunctionDeps, events: BrokerEvent[], result: IngestResult): Promise<void> {
  const broker = deps.broker;
  if (!broker) return;
  const sends: Array<Promise<void>> = [];
  for (const r of result.replies) if (r) sends.push(broker.publish(r.topic, r.payload, { qos: 0 }));
  const presence = new Set(events.flatMap((e) => (e.kind === 'presence' ? [e.deviceId] : [])));
  for (const deviceId of presence) {
    const ref = parseDeviceId(deviceId);
    const s = await deps.store.deviceStatus(deviceId);
    // The stored state, not the event: events may arrive out of order, storage keeps the latest.
    if (ref && s) sends.push(broker.publish(topics.presence(ref), JSON.stringify({ online: s.online, at: s.presenceAt ?? deps.now() }), { qos: 1, retain: true }));
  }
  for (const e of events) {
    if (e.kind !== 'subscribed') continue;
    const ref = parseDeviceId(e.deviceId);
    if (!ref || e.topic !== topics.propertySet(ref)) continue;
    const message = desiredStateMessage(ref, await deps.store.deviceState(e.deviceId));
    if (message) sends.push(broker.publish(message.topic, message.payload, { qos: 1 }));
  }
  for (const s of await Promise.allSettled(sends)) {
    if (s.status === 'rejected') deps.log.once(`broker-send:${(s.reason as Error).message}`, `sending through the broker failed: ${(s.reason as Error).message}`);
  }
}

export const webhook: Handler = async (input) => {
  const { event, deps } = input;
  const parsed = parseEvents(event.events);
  if (!parsed.ok) return err(ErrorCode.BadRequest, parsed.message);
  const now = deps.now();
  const maxAge = deps.brokerHook?.maxEventAgeMs ?? DEFAULT_MAX_EVENT_AGE_MS;
  for (const [i, e] of parsed.events.entries()) {
    if (Math.abs(now - e.at) > maxAge) {
      return err(ErrorCode.BadRequest, `events[${i}]: timestamp ${e.at} is ${Math.round((now - e.at) / 1000)} s from now; accepted within ${maxAge / 1000} s`);
    }
  }
  const messages: IngestMessage[] = [];
  let commandReplies = 0;
  for (const e of parsed.events) {
    if (e.kind === 'publish') {
      if (await recordCommandReply(deps, e)) commandReplies++;
      else messages.push({ type: 'telemetry', deviceId: e.deviceId, topic: e.topic, payload: e.payload, receivedAt: e.receivedAt });
    } else if (e.kind === 'presence') {
      messages.push({ type: 'presence', deviceId: e.deviceId, online: e.online, at: e.at });
    }
  }
  const stored = await batch({ ...input, event: { action: 'batch', messages } });
  if (!stored.ok) return stored;
  const result = stored.data as IngestResult;
  await afterStored(deps, parsed.events, result);
  const ignored = parsed.events.filter((e) => e.kind === 'ignored').length;
  return ok({ events: parsed.events.length, stored: result.stored, duplicates: result.duplicates, rejected: result.rejected, commandReplies, ignored });
};
