/**
 * Reply codes carried in Alink `_reply` messages. Alink uses 200 for success; the error codes
 * below are this system's own (documented in docs/protocol.md) and are chosen to read like HTTP.
 */
export const ReplyCode = {
  Ok: 200,
  /** Not JSON, not an object, or no `params` object. Nothing was stored. */
  Malformed: 400,
  /** Larger than the payload limit. Nothing was stored. */
  TooLarge: 413,
  /** The device exceeded its message rate. Nothing was stored: resend later. */
  RateLimited: 429,
  /** Some or all properties were rejected (unknown, wrong type, impossible value, bad time). */
  InvalidParams: 460,
  /** The server could not store the message. Resend it. */
  ServerError: 500,
  /** Reply from a device: the command timed out or the device is busy. */
  DeviceBusy: 503,
} as const;
export type ReplyCode = (typeof ReplyCode)[keyof typeof ReplyCode];

/** Kinds of bad input a device can send; counted per device and logged once per kind. */
export type RejectKind =
  | 'malformed-json'
  | 'not-object'
  | 'missing-params'
  | 'unknown-property'
  | 'wrong-type'
  | 'out-of-range'
  | 'bad-time'
  | 'too-large'
  | 'rate-limited'
  | 'unexpected-topic';
