/**
 * The realtime client's public types: what pages see (events, status, results) and what the app
 * passes in (socket factory, credentials call, clock, timers). Pages never see MQTT.
 */
import type { ConnectSocket } from '../../lib/mqtt';
import type { AlertRecord, DeliveryReason, Reading, RealtimeCredentials, Result, Timers } from '../../lib/core';

/**
 * - `idle`: nothing open (initially and after `stop()`).
 * - `connecting`: `watch()` is opening the first connection.
 * - `live`: connected and subscribed.
 * - `reconnecting`: the connection was lost or could not be opened; a retry is scheduled.
 * - `error`: a failure retrying cannot fix (e.g. the user's session expired); the next `watch()` tries again.
 */
export type RealtimeStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'error';

export type RealtimeEvent =
  /** One per decoded reading; `reading.ts` is the measurement time in ms since the epoch. */
  | { type: 'reading'; deviceId: string; reading: Reading }
  /** The broker's retained presence of a device; `at` in ms since the epoch. */
  | { type: 'presence'; deviceId: string; online: boolean; at: number }
  | { type: 'status'; status: RealtimeStatus; message?: string }
  /** An alert raised, upgraded, escalated, acknowledged or resolved, from `/alerts/{patientId}` (docs/alerts.md). */
  | { type: 'alert'; patientId: string; reason: DeliveryReason; alert: AlertRecord };

/** Injected timers, so tests can drive backoff and timeouts (`setTimeout`/`clearTimeout` in the app). */
/** WeChat's timers (handles are numbers): the project's one timer interface (core/clock). */
export type RealtimeTimer = Timers<number>;

export interface RealtimeOptions {
  /** `wx.connectSocket` in the app; a stand-in with the same shape in tests. */
  connectSocket: ConnectSocket;
  /** `ws://host:8083/mqtt` locally, `wss://…/mqtt` in production (port 443, a listed socket domain). */
  url: string;
  /** Calls the `realtime.credentials` function; asked before every connection (they last 1 h). */
  credentials: () => Promise<Result<RealtimeCredentials>>;
  /** Wall clock, ms since the epoch; the receive time given to the property-post decoder. */
  now: () => number;
  /** Schedules reconnects and request timeouts. */
  timer: RealtimeTimer;
  /**
   * First reconnect delay, ms; doubles after every failed attempt, and each delay is jittered
   * between half and all of it (core/retry). Default 1000.
   */
  backoffInitialMs?: number;
  /** Longest reconnect delay before jitter, ms. Default 30 000. */
  backoffMaxMs?: number;
  /** Random numbers in [0, 1) for the jitter; default `Math.random`. */
  random?: () => number;
  /**
   * How long a SUBSCRIBE or UNSUBSCRIBE may wait for its acknowledgement, ms; after that the
   * connection counts as dead (a socket can die silently, mqtt.js#1180) and is replaced. Default 10 000.
   */
  requestTimeoutMs?: number;
  /** Socket open plus CONNECT → CONNACK, ms (enforced by mqtt.js on its own timer). Default 10 000. */
  connectTimeoutMs?: number;
  /** MQTT keep-alive, seconds (MQTT-3.1.2-24: the broker drops a client silent for 1.5×). Default 30. */
  keepaliveS?: number;
  /**
   * How long before the credentials expire the connection is replaced by one with fresh
   * credentials, ms (a production broker ends it at their expiry: EMQX `expire_at`); the page sees
   * no reconnect. At least a second after connecting. Default 60 000.
   */
  renewBeforeMs?: number;
}

export interface WatchResult {
  /** Devices whose telemetry and presence are subscribed, in the order asked. */
  watching: string[];
  /**
   * Devices not watched: malformed ids, devices the credentials do not list (not followed, or
   * unbound), and subscriptions the broker refused (SUBACK 0x80, MQTT-3.9.3).
   */
  refused: string[];
}

/** Counters for diagnostics; nothing a page needs to act on. */
export interface RealtimeStats {
  /** MQTT messages received on the current connection and those before it. */
  messages: number;
  readings: number;
  presence: number;
  alerts: number;
  /** Messages dropped: an unexpected topic, a payload that does not decode, a device no longer watched. */
  ignored: { topic: number; payload: number; unwatched: number };
  /** Why the last message was ignored. */
  lastIgnored?: string;
  /** Listener calls that threw (the error is swallowed so other listeners still run). */
  listenerErrors: number;
  /** Connection attempts (each with fresh credentials). */
  connects: number;
  /** Connections lost without `stop()`. */
  lost: number;
  watching: string[];
  refused: string[];
}

/** What pages depend on (fakes in page tests implement just this). */
export interface RealtimeClient {
  /**
   * Connects if needed (fresh credentials from `credentials()`), subscribes to telemetry + presence
   * of exactly these devices and to the alert topics of these patients (those the credentials
   * allow), unsubscribes the rest. Resolves with a
   * Result, never rejects. Call from a page's `onShow`. On a failure that retrying can fix the
   * client keeps trying in the background (status `reconnecting`).
   */
  watch(deviceIds: string[], patientIds?: string[]): Promise<Result<{ watching: string[] }>>;
  /** Closes the connection and cancels retries (page `onHide`/detached). Safe to call twice. */
  stop(): Promise<void>;
  /** Adds a listener; returns the function that removes it. */
  on(listener: (e: RealtimeEvent) => void): () => void;
  readonly status: RealtimeStatus;
}

/** What `createRealtimeClient` returns: the page contract plus refusals and counters. */
export interface RealtimeClientWithStats extends RealtimeClient {
  watch(deviceIds: string[], patientIds?: string[]): Promise<Result<WatchResult>>;
  stats(): RealtimeStats;
}
