/** Live readings and presence for pages: `createRealtimeClient` and its types (no MQTT leaks out). */
export { createRealtimeClient } from './client';
export { decodeMessage, deviceTopics } from './messages';
export type { DecodedMessage, DeviceTopics, IgnoreReason } from './messages';
export type {
  RealtimeClient,
  RealtimeClientWithStats,
  RealtimeEvent,
  RealtimeOptions,
  RealtimeStats,
  RealtimeStatus,
  RealtimeTimer,
  WatchResult,
} from './types';
