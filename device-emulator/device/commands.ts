/**
 * Commands a terminal obeys: `thing.service.property.set` (measurement settings) and the
 * "measure now" service. Each is answered on its `_reply` topic.
 */
import {
  applyPropertySet,
  buildReply,
  type MeasureSettings,
  reported,
  type DeviceRef,
  MEASURE_NOW_SERVICE,
  Method,
  parseRequest,
  type ParsedTopic,
  ReplyCode,
  topics,
} from '../../core/alink';
import type { Measurement } from '../vitals/types';

export interface CommandTarget {
  ref: DeviceRef;
  settings(): MeasureSettings;
  applySettings(next: MeasureSettings): void;
  measureNow(): Measurement;
  reply(topic: string, payload: string): void;
}

/** Handles one downlink request; returns false for topics that are not commands. */
export function handleCommand(t: ParsedTopic, payload: string, target: CommandTarget): boolean {
  if (t.kind !== 'property.set' && t.kind !== 'service') return false;
  const req = parseRequest(payload);
  const id = req?.id ?? '';
  if (t.kind === 'property.set') {
    const change = req ? applyPropertySet(target.settings(), req.params) : { ok: false as const, message: 'request is not JSON with a method' };
    if (change.ok) target.applySettings(change.settings);
    const body = change.ok
      ? buildReply({ id, code: ReplyCode.Ok, method: Method.PropertySet, data: reported(target.settings()) })
      : buildReply({ id, code: ReplyCode.InvalidParams, method: Method.PropertySet, message: change.message });
    target.reply(topics.propertySetReply(target.ref), body);
    return true;
  }
  const identifier = t.identifier ?? '';
  if (identifier === MEASURE_NOW_SERVICE && req) {
    const m = target.measureNow();
    const body = buildReply({ id, code: ReplyCode.Ok, method: Method.service(identifier), data: { ...m } });
    target.reply(topics.serviceReply(target.ref, identifier), body);
  } else {
    const message = req ? `unknown service ${identifier}` : 'request is not JSON with a method';
    target.reply(topics.serviceReply(target.ref, identifier), buildReply({ id, code: ReplyCode.InvalidParams, message }));
  }
  return true;
}
