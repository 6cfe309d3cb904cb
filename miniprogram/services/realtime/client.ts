/**
 * The realtime client pages use: live readings and presence of the devices a page shows, over one
 * MQTT connection that it opens, re-subscribes and replaces as needed. All state lives inside the
 * factory (mqtt.js' own `wx` transport keeps module-level state and a second client breaks the
 * first, mqtt.js#928), so two clients never share anything.
 *
 * Work that touches the connection (`watch`, background reconnects) runs one task at a time;
 * `stop()` does not wait for it: it bumps `epoch`, and older work gives up at its next step.
 */
import { alertTopic, createBackoff, err, ErrorCode, ok } from '../../lib/core';
import type { Err, RealtimeCredentials, Result } from '../../lib/core';
import { alertPatientOf, decodeAlert, decodeMessage, deviceTopics } from './messages';
import { openSession, type Session } from './session';
import type { RealtimeClientWithStats, RealtimeEvent, RealtimeOptions, RealtimeStats, RealtimeStatus, WatchResult } from './types';

/** Failures worth retrying: the network, the broker or the function being briefly unavailable. */
const RETRYABLE: ReadonlySet<string> = new Set([ErrorCode.Unavailable, ErrorCode.Internal, ErrorCode.RateLimited]);

export function createRealtimeClient(opts: RealtimeOptions): RealtimeClientWithStats {
  // Jittered, so that phones that lost the same broker do not all come back in the same instant.
  const backoff = createBackoff({ initialMs: opts.backoffInitialMs ?? 1000, maxMs: opts.backoffMaxMs ?? 30_000, random: opts.random });
  const sessionOpts = {
    connectSocket: opts.connectSocket,
    url: opts.url,
    timer: opts.timer,
    requestTimeoutMs: opts.requestTimeoutMs ?? 10_000,
    connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
    keepaliveS: opts.keepaliveS ?? 30,
  };

  const listeners = new Set<(e: RealtimeEvent) => void>();
  let status: RealtimeStatus = 'idle';
  let statusMessage: string | undefined;
  /** Devices the page asked for, in its order; messages of other devices are dropped. */
  let desired: string[] = [];
  let desiredSet = new Set<string>();
  /** Patients whose alert topics the page asked for. */
  let desiredPatients = new Set<string>();
  /** The current connection (opening or open), if any. */
  let session: Session | undefined;
  /** Topics the last credentials allow. */
  let allowed = new Set<string>();
  /** Topics granted on the current session. */
  let subscribed = new Set<string>();
  let epoch = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let retryTimer: number | undefined;
  let renewTimer: number | undefined;
  const renewBeforeMs = opts.renewBeforeMs ?? 60_000;
  const stats: RealtimeStats = {
    messages: 0,
    readings: 0,
    presence: 0,
    alerts: 0,
    ignored: { topic: 0, payload: 0, unwatched: 0 },
    listenerErrors: 0,
    connects: 0,
    lost: 0,
    watching: [],
    refused: [],
  };

  function emit(e: RealtimeEvent): void {
    for (const listener of [...listeners]) {
      try {
        listener(e);
      } catch {
        // A page's bug must not stop other listeners or the MQTT client's event loop.
        stats.listenerErrors++;
      }
    }
  }

  function setStatus(next: RealtimeStatus, message?: string): void {
    if (next === status && message === statusMessage) return;
    status = next;
    statusMessage = message;
    emit(message === undefined ? { type: 'status', status: next } : { type: 'status', status: next, message });
  }

  /** Runs tasks one after another; a task never rejects (each returns a Result). */
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  }

  const stopped = (): Err => err(ErrorCode.Unavailable, 'stopped');

  /** The credentials call, bounded by `requestTimeoutMs` so a hung call cannot block the queue. */
  function fetchCredentials(): Promise<Result<RealtimeCredentials>> {
    return new Promise((resolve) => {
      const ms = sessionOpts.requestTimeoutMs;
      const id = opts.timer.setTimeout(() => resolve(err(ErrorCode.Unavailable, `credentials: no answer in ${ms} ms`)), ms);
      const settle = (r: Result<RealtimeCredentials>) => {
        opts.timer.clearTimeout(id);
        resolve(r);
      };
      const thrown = (e: unknown) => settle(err(ErrorCode.Unavailable, `credentials: ${(e as Error)?.message ?? String(e)}`));
      try {
        opts.credentials().then(settle, thrown);
      } catch (e) {
        thrown(e);
      }
    });
  }

  function onMessage(from: Session, topic: string, text: string): void {
    if (from !== session) return;
    stats.messages++;
    const patientId = alertPatientOf(topic);
    if (patientId !== undefined) {
      const a = decodeAlert(patientId, text);
      if (a.kind === 'ignored') {
        stats.ignored[a.reason]++;
        stats.lastIgnored = a.detail;
      } else if (!desiredPatients.has(patientId)) {
        stats.ignored.unwatched++;
        stats.lastIgnored = `alerts of ${patientId} are not watched`;
      } else {
        stats.alerts++;
        emit(a.event);
      }
      return;
    }
    const d = decodeMessage(topic, text, opts.now());
    if (d.kind === 'ignored') {
      stats.ignored[d.reason]++;
      stats.lastIgnored = d.detail;
      return;
    }
    // A message already on its way when the page stopped watching the device.
    if (!desiredSet.has(d.deviceId)) {
      stats.ignored.unwatched++;
      stats.lastIgnored = `${d.deviceId} is not watched`;
      return;
    }
    for (const e of d.events) {
      if (e.type === 'reading') stats.readings++;
      else stats.presence++;
      emit(e);
    }
  }

  function onLost(from: Session, reason: string): void {
    if (from !== session) return;
    cancelRenew();
    session = undefined;
    subscribed = new Set();
    stats.lost++;
    void from.close(); // releases mqtt.js' timers; the socket is already gone
    setStatus('reconnecting', reason);
    scheduleRetry();
  }

  /** Drops the current connection without counting it as lost. */
  async function closeSession(): Promise<void> {
    cancelRenew();
    const s = session;
    session = undefined;
    subscribed = new Set();
    stats.watching = [];
    stats.refused = [];
    if (s) await s.close();
  }

  function scheduleRetry(): void {
    if (retryTimer !== undefined) return;
    const e = epoch;
    const delay = backoff.next();
    retryTimer = opts.timer.setTimeout(() => {
      retryTimer = undefined;
      void serial(() => reconnect(e));
    }, delay);
  }

  function cancelRetry(): void {
    if (retryTimer !== undefined) opts.timer.clearTimeout(retryTimer);
    retryTimer = undefined;
  }

  function cancelRenew(): void {
    if (renewTimer !== undefined) opts.timer.clearTimeout(renewTimer);
    renewTimer = undefined;
  }

  function scheduleRenew(e: number, expiresAt: number): void {
    cancelRenew();
    const delay = Math.max(1000, expiresAt - opts.now() - renewBeforeMs);
    renewTimer = opts.timer.setTimeout(() => {
      renewTimer = undefined;
      void serial(() => renew(e));
    }, delay);
  }

  /**
   * Replaces the open connection with one on fresh credentials before the old ones expire, then
   * closes the old one: the page stays `live`. If that fails, the old connection stays until the
   * broker ends it, and the usual reconnect takes over then.
   */
  async function renew(e: number): Promise<void> {
    const old = session;
    if (e !== epoch || !old?.isOpen) return;
    const kept = subscribed;
    session = undefined;
    const c = await connect(e);
    if (c.ok && (await sync(e)).ok) {
      void old.close();
      return;
    }
    if (e !== epoch || session) return void old.close();
    // The new connection failed: the old one still serves until the broker ends it.
    cancelRetry();
    session = old;
    subscribed = kept;
    setStatus('live');
  }

  /** Reports a failed attempt: retries in the background when that can help. */
  function failed<T>(e: number, r: Err): Result<T> {
    if (e !== epoch) return r;
    if (RETRYABLE.has(r.code)) {
      setStatus('reconnecting', r.message);
      scheduleRetry();
    } else {
      setStatus('error', r.message);
    }
    return r;
  }

  /** Opens a new session with fresh credentials (they expire after an hour; a refusal means ask again). */
  async function connect(e: number): Promise<Result<void>> {
    const creds = await fetchCredentials();
    if (e !== epoch) return stopped();
    if (!creds.ok) return creds;
    allowed = new Set(creds.data.topics);
    subscribed = new Set();
    stats.connects++;
    const s: Session = openSession(
      { ...sessionOpts, credentials: creds.data },
      { onMessage: (m) => onMessage(s, m.topic, m.text), onLost: (reason) => onLost(s, reason) },
    );
    session = s;
    const r = await s.opened;
    if (e !== epoch) return stopped(); // stop() closed it
    if (!r.ok && session === s) session = undefined;
    if (r.ok) scheduleRenew(e, creds.data.expiresAt);
    return r;
  }

  /** Makes the current session's subscriptions match `desired` (only topics the credentials allow). */
  async function sync(e: number): Promise<Result<WatchResult>> {
    const s = session;
    if (!s) return err(ErrorCode.Unavailable, 'not connected');
    const wanted = new Map<string, string[]>();
    for (const id of desired) {
      const t = deviceTopics(id);
      if (t && allowed.has(t.telemetry) && allowed.has(t.presence)) wanted.set(id, [t.telemetry, t.presence]);
    }
    const want = new Set([...wanted.values()].flat());
    for (const p of desiredPatients) if (allowed.has(alertTopic(p))) want.add(alertTopic(p));
    const drop = [...subscribed].filter((t) => !want.has(t));
    // Every wanted topic is subscribed again, not only new ones: the SUBACK proves the connection
    // is alive (a socket can die without a close event, mqtt.js#1180), the broker replaces the
    // existing subscription (MQTT-3.8.4-3) and resends retained presence (MQTT-3.3.1-6).
    const add = [...want];
    const unsubscribed = drop.length > 0 ? await s.unsubscribe(drop) : ok(undefined);
    const granted = unsubscribed.ok && add.length > 0 ? await s.subscribe(add) : ok<number[]>([]);
    const failure = !unsubscribed.ok ? unsubscribed : !granted.ok ? granted : undefined;
    if (failure) {
      // A connection that cannot apply subscriptions is treated as lost and replaced.
      onLost(s, failure.message);
      return e === epoch ? err(ErrorCode.Unavailable, failure.message) : stopped();
    }
    for (const t of drop) subscribed.delete(t);
    if (granted.ok) add.forEach((t, i) => (granted.data[i] === 128 ? subscribed.delete(t) : subscribed.add(t)));
    if (e !== epoch) return stopped();
    if (s !== session) return err(ErrorCode.Unavailable, 'connection lost; reconnecting');
    const watching = desired.filter((id) => wanted.get(id)?.every((t) => subscribed.has(t)) === true);
    const refused = desired.filter((id) => !watching.includes(id));
    stats.watching = watching;
    stats.refused = refused;
    backoff.reset();
    setStatus('live', refused.length > 0 ? `not available: ${refused.join(', ')}` : undefined);
    return ok({ watching, refused });
  }

  async function reconnect(e: number): Promise<void> {
    if (e !== epoch || session) return; // stopped, or a watch() already reconnected
    const c = await connect(e);
    if (!c.ok) {
      failed(e, c);
      return;
    }
    await sync(e); // a failure here was a lost connection, which already scheduled the next try
  }

  async function watchNow(e: number, ids: string[], patientIds: string[]): Promise<Result<WatchResult>> {
    if (e !== epoch) return stopped();
    cancelRetry();
    desired = [...new Set(ids)];
    desiredSet = new Set(desired);
    desiredPatients = new Set(patientIds);
    if (desired.length === 0 && desiredPatients.size === 0) {
      // Nothing to show: no socket held open (WeChat allows only a few at a time).
      await closeSession();
      setStatus('idle');
      return ok({ watching: [], refused: [] });
    }
    if (!session?.isOpen) {
      await closeSession();
      if (status !== 'reconnecting') setStatus('connecting');
      const c = await connect(e);
      if (!c.ok) return failed(e, c);
    } else if (desired.some((id) => !allowed.has(deviceTopics(id)?.telemetry ?? '')) || [...desiredPatients].some((p) => !allowed.has(alertTopic(p)))) {
      // A device bound since the credentials were issued: ask which topics are allowed now. The
      // broker checks every SUBSCRIBE itself, so the open connection can stay.
      const creds = await fetchCredentials();
      if (e !== epoch) return stopped();
      if (creds.ok) allowed = new Set(creds.data.topics);
    }
    const r = await sync(e);
    if (r.ok || e !== epoch || session) return r;
    // The connection was dead after all: replace it now instead of after the backoff delay.
    cancelRetry();
    const c = await connect(e);
    return c.ok ? sync(e) : failed(e, c);
  }

  return {
    watch(deviceIds, patientIds = []) {
      const e = epoch;
      return serial(() => watchNow(e, deviceIds, patientIds));
    },
    async stop() {
      epoch++;
      cancelRetry();
      desired = [];
      desiredSet = new Set();
      desiredPatients = new Set();
      // No UNSUBSCRIBE first: a clean session's subscriptions end with its connection
      // (MQTT-3.1.2-6), and on a silently dead socket (mqtt.js#1180) it would only wait for a timeout.
      await closeSession();
      setStatus('idle');
    },
    on(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    get status() {
      return status;
    },
    stats: () => ({ ...stats, ignored: { ...stats.ignored }, watching: [...stats.watching], refused: [...stats.refused] }),
  };
}
