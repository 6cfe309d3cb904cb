/**
 * Errors of a `BrokerApi`. Every failure of either implementation is a `BrokerApiError` with one of
 * two codes, so callers decide what to do without knowing which broker is behind the interface:
 *
 * - `BROKER_UNAVAILABLE` — the broker could not be reached or could not do it now (network error,
 *   timeout, HTTP 5xx, 408/429, an answer that is not the broker's, the embedded broker closed).
 *   Trying again later may succeed.
 * - `BROKER_REJECTED` — the broker understood the request and refused it (an invalid topic, a
 *   wrong API key, a missing permission, a redirect to elsewhere). Trying again will not help; the
 *   request or the configuration must change.
 *
 * Messages name the request (e.g. `EMQX POST /api/v5/publish (topic /sys/pk/dn/…)`) and never
 * contain credentials.
 */
export const BrokerErrorCode = {
  Unavailable: 'BROKER_UNAVAILABLE',
  Rejected: 'BROKER_REJECTED',
} as const;
export type BrokerErrorCode = (typeof BrokerErrorCode)[keyof typeof BrokerErrorCode];

export class BrokerApiError extends Error {
  readonly code: BrokerErrorCode;
  /** The request that failed, e.g. `EMQX DELETE /api/v5/clients/{id}` or `embedded publish`. */
  readonly request: string;
  /** What went wrong, without the request (the message is `{request}: {reason}`). */
  readonly reason: string;
  /** HTTP status of the broker's answer, when there was one. */
  readonly status?: number;

  constructor(code: BrokerErrorCode, request: string, reason: string, opts: { status?: number; cause?: unknown } = {}) {
    super(`${request}: ${reason}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'BrokerApiError';
    this.code = code;
    this.request = request;
    this.reason = reason;
    if (opts.status !== undefined) this.status = opts.status;
  }
}

export function isBrokerApiError(e: unknown): e is BrokerApiError {
  return e instanceof BrokerApiError;
}

/**
 * MQTT topic name rules for a PUBLISH (MQTT 3.1.1 §4.7): at least one character, no wildcard
 * (`+`, `#`), no U+0000, at most 65 535 bytes of UTF-8. Returns why a topic is invalid, or
 * undefined when it is valid.
 */
export function invalidTopicName(topic: unknown): string | undefined {
  if (typeof topic !== 'string' || topic.length === 0) return 'topic must be a non-empty string';
  if (/[+#]/.test(topic)) return 'a topic name may not contain the wildcards + or #';
  if (topic.includes('\u0000')) return 'a topic name may not contain U+0000';
  if (Buffer.byteLength(topic, 'utf8') > 65_535) return 'a topic name is at most 65535 bytes';
  return undefined;
}
