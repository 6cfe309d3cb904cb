/**
 * Command messages to a device, shared by both ways of reaching it (the embedded broker's
 * in-process control and the polling control for an external broker).
 *
 * Alink message ids are strings of decimal digits that fit an unsigned 32-bit integer
 * (Alibaba Cloud IoT, "Alink协议": `id` "取值范围0~4294967295"); firmware built on the Link SDK
 * parses them as such, so the backend's own ids keep to that form.
 */
import { randomInt } from 'node:crypto';
import { buildRequest, type DeviceRef, Method, reported, settingsFromProperties, topics } from '../../core/alink';
import type { DeviceRequest } from '../runtime/control';
import type { DeviceState } from '../store/types';

const ID_SPACE = 4_294_967_296;

/** A fresh random Alink message id. */
export const newMessageId = (): string => String(randomInt(0, ID_SPACE));

/** The topic and payload that carry a request to a device. */
export function requestMessage(ref: DeviceRef, req: DeviceRequest, id: string): { topic: string; payload: string } {
  const topic = req.kind === 'set' ? topics.propertySet(ref) : topics.service(ref, req.identifier);
  const method = req.kind === 'set' ? Method.PropertySet : Method.service(req.identifier);
  return { topic, payload: buildRequest(id, method, req.params) };
}

/**
 * The property set that brings a device to the state people asked for, or undefined when it
 * already reports that state. Its id derives from when the state was asked for, so sending it
 * twice (the device reconnected twice) sends the same message.
 */
export function desiredStateMessage(ref: DeviceRef, state: DeviceState): { topic: string; payload: string } | undefined {
  const { desired, reported: rep } = state;
  if (!desired || (rep && rep.enabled === desired.enabled && rep.intervalS === desired.intervalS)) return undefined;
  return { topic: topics.propertySet(ref), payload: buildRequest(desiredMessageId(desired), Method.PropertySet, reported(desired)) };
}

/** The id of the property set that carries a desired state (derived from when it was asked for). */
export const desiredMessageId = (desired: { at: number }): string => String(desired.at % ID_SPACE);

/**
 * The settings a successful `property/set` reply confirms: those in its `data` when the device
 * lists them (this system's terminals), otherwise — Alink's standard reply carries `data: {}`,
 * meaning "applied what was sent" — what was sent: `sent` when the caller knows it, or the desired
 * state when the reply answers the message that carried it.
 */
export function confirmedSettings(
  replyId: string,
  data: Record<string, unknown>,
  state: DeviceState,
  sent?: Record<string, unknown>,
): { enabled: boolean; intervalS: number } | undefined {
  const listed = settingsFromProperties(data);
  if (listed) return listed;
  if (Object.keys(data).length > 0) return undefined;
  const fromSent = sent && settingsFromProperties(sent);
  if (fromSent) return fromSent;
  const { desired } = state;
  return desired && replyId === desiredMessageId(desired) ? { enabled: desired.enabled, intervalS: desired.intervalS } : undefined;
}
