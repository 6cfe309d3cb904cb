/**
 * Alink topic names (Alibaba Cloud IoT "Alink" protocol, device-side topics under `/sys/`).
 * Devices only ever use topics below their own `/sys/{productKey}/{deviceName}/` prefix.
 */

/** Alink service identifier of the "measure now" command. */
export const MEASURE_NOW_SERVICE = 'MeasureNow';

export type TopicKind =
  | 'property.post'
  | 'property.post.reply'
  | 'property.set'
  | 'property.set.reply'
  | 'service'
  | 'service.reply'
  | 'event.post'
  | 'event.post.reply'
  | 'other';

export interface ParsedTopic {
  productKey: string;
  deviceName: string;
  kind: TopicKind;
  /** Service or event identifier for `service*` and `event.post*` topics. */
  identifier?: string;
}

export interface DeviceRef {
  productKey: string;
  deviceName: string;
}

/** A device's id elsewhere in the system: `{productKey}/{deviceName}` (product keys have no `/`). */
export function deviceIdOf(d: DeviceRef): string {
  return `${d.productKey}/${d.deviceName}`;
}

export function parseDeviceId(id: string): DeviceRef | undefined {
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) return undefined;
  return { productKey: id.slice(0, slash), deviceName: id.slice(slash + 1) };
}

export function devicePrefix(d: DeviceRef): string {
  return `/sys/${d.productKey}/${d.deviceName}/`;
}

export const topics = {
  propertyPost: (d: DeviceRef) => `${devicePrefix(d)}thing/event/property/post`,
  propertyPostReply: (d: DeviceRef) => `${devicePrefix(d)}thing/event/property/post_reply`,
  propertySet: (d: DeviceRef) => `${devicePrefix(d)}thing/service/property/set`,
  propertySetReply: (d: DeviceRef) => `${devicePrefix(d)}thing/service/property/set_reply`,
  service: (d: DeviceRef, identifier: string) => `${devicePrefix(d)}thing/service/${identifier}`,
  serviceReply: (d: DeviceRef, identifier: string) => `${devicePrefix(d)}thing/service/${identifier}_reply`,
  eventPost: (d: DeviceRef, identifier: string) => `${devicePrefix(d)}thing/event/${identifier}/post`,
  /** Retained `{online, at}` published by the broker when a device connects or disconnects. */
  presence: (d: DeviceRef) => `${devicePrefix(d)}presence`,
};

/** Parses a `/sys/...` topic; returns undefined for topics outside the Alink device namespace. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split('/');
  // ['', 'sys', pk, dn, 'thing', ...]
  if (parts.length < 5 || parts[0] !== '' || parts[1] !== 'sys' || !parts[2] || !parts[3]) return undefined;
  const productKey = parts[2];
  const deviceName = parts[3];
  const rest = parts.slice(4).join('/');
  const base = { productKey, deviceName };
  switch (rest) {
    case 'thing/event/property/post':
      return { ...base, kind: 'property.post' };
    case 'thing/event/property/post_reply':
      return { ...base, kind: 'property.post.reply' };
    case 'thing/service/property/set':
      return { ...base, kind: 'property.set' };
    case 'thing/service/property/set_reply':
      return { ...base, kind: 'property.set.reply' };
  }
  const service = /^thing\/service\/([A-Za-z0-9_]+?)(_reply)?$/.exec(rest);
  if (service) return { ...base, kind: service[2] ? 'service.reply' : 'service', identifier: service[1] };
  const event = /^thing\/event\/([A-Za-z0-9_]+)\/post(_reply)?$/.exec(rest);
  if (event) return { ...base, kind: event[2] ? 'event.post.reply' : 'event.post', identifier: event[1] };
  return { ...base, kind: 'other' };
}

/**
 * Whether a topic filter matches a topic name (MQTT 3.1.1 §4.7: `+` matches one level, a trailing
 * `#` the parent level and everything below; `$` topics only match filters that name them).
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && !filter.startsWith('$')) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
