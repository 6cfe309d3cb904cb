/**
 * The message flow from the broker to the backend: device messages are queued, sent to `ingest`
 * in batches, and each telemetry message's promise settles only when its batch is stored. The
 * broker acknowledges a PUBLISH only after that promise resolves (at-least-once: a failure leaves
 * the message unacknowledged and the device resends it; storage is idempotent).
 *
 * One batch is in flight at a time; what arrives meanwhile forms the next batch ("group commit"),
 * so batches grow with load and stay small (low latency) when load is light. Under sustained load
 * (`groupCommit`, on by default) a small batch also waits briefly for company: when messages have
 * been arriving at `minRatePerS` or more, for as long as that rate needs to fill `targetBatch`, at
 * most until its oldest entry has been queued `maxWaitMs`. Each commit (one fsync with
 * `synchronous=FULL`), each hop to the worker and back, and each wake-up of the worker is then
 * shared by ~45 messages instead of ~2: measured with `bench:ingest --steady` on a quiet machine,
 * the stack's CPU per message at 1000 messages/s fell from 3–4× to ~2× the bare broker's
 * (docs/performance.md, "Ninth round": 64 messages / 40 ms cost ~20 % less CPU than 32 / 20 for
 * ~15 ms more PUBACK latency under that load), while below the threshold (e.g. 1000 devices ×
 * 1/10 s) nothing ever waits, so latency there is unchanged. A lone message never waits.
 *
 * While the calling thread has time to spare (`inline`), a batch is stored on it, through a
 * connection of its own that never waits for a lock, instead of making two thread hops to the
 * function worker. At 1000 devices × 1/10 s each message is its own batch, and the hops (a wake-up
 * of another thread each way, ~0.1 ms typical but several ms when both cores are busy) were half of
 * its PUBACK time's tail (docs/performance.md, "Seventh round"); at 1000 × 1/s storing on the
 * broker thread instead of the worker cost 11–23 % less CPU per message ("Tenth round"). The
 * broker thread stays free for the broker (./inline-gate): a batch goes to the worker when the
 * thread is busy with its own work (where the worker's core adds throughput), when the inline
 * calls already take a quarter of its time (a slow disk's fsyncs would stall it), when it is
 * larger than 128, and for a while after a slow call. A batch the inline path cannot store (the
 * worker holds the write lock) goes to the worker. Batches still go one at a time, so messages are
 * stored in arrival order either way.
 *
 * Presence events (a device came or went) acknowledge nothing, so while the queue holds nothing
 * else they wait up to `presenceDelayMs` for company: a connect storm's presence is then written in
 * a few commits instead of one commit (and one fsync) for every few devices. Any other message
 * ends the wait at once.
 */
import type { Result } from '../../core';
import type { RejectKind } from '../../core/alink';
import type { DeviceReply, IngestMessage, IngestResult } from '../../cloudfunctions/ingest/messages';
import { createRateLimiter, DEFAULT_RATE_LIMIT, type RateLimit } from './rate-limiter';
import { createInlineGate, type InlineGateOptions } from './inline-gate';

export { createLoopUtilization } from './inline-gate';

export interface MessageFlowOptions {
  /** Calls the `ingest` function with one batch. */
  ingest: (messages: IngestMessage[]) => Promise<Result<IngestResult>>;
  now: () => number;
  /** Messages per `ingest` call, at most. Default 1000. */
  maxBatch?: number;
  /** Largest telemetry payload accepted, bytes. Default 16 KiB. */
  maxPayloadBytes?: number;
  /** Per-device rate limit; default 20/s sustained, bursts of 200. */
  rateLimit?: RateLimit;
  /** Attempts per batch before its messages are failed (the devices then resend). Default 3. */
  attempts?: number;
  /** Waits between attempts (injected so tests need no real sleeps). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Adaptive wait before sending a small batch under load: while messages arrive at `minRatePerS`
   * or more (default 400 per second), a batch smaller than `targetBatch` (default 64) waits as long
   * as that rate needs to fill it, at most until its oldest entry has been queued `maxWaitMs`
   * (default 40). `false`: never wait (each batch holds what arrived during the previous commit).
   * Default: on, with these defaults.
   */
  groupCommit?: { targetBatch?: number; maxWaitMs?: number; minRatePerS?: number } | false;
  /** Waits of the group commit (injected so tests need no real timers). Default setTimeout. */
  linger?: (ms: number) => Promise<void>;
  /**
   * How long presence events wait for other messages before they are sent on their own, ms.
   * Default 250 (a device's online mark in storage lags by at most that; the retained MQTT
   * presence message is sent at once by the broker). 0 = no wait.
   */
  presenceDelayMs?: number;
  /** Starts a timer; the answer cancels it (injected so tests need no real timers). Default setTimeout. */
  setTimer?: (fn: () => void, ms: number) => () => void;
  /**
   * Messages waiting to be stored, at most (presence not counted). Beyond it the flow is
   * overloaded: `telemetry` refuses with `FlowOverloadedError` instead of queueing, the broker
   * closes that device's connection without acknowledging (MQTT 3.1.1 §3.3.5), and the device
   * sends the reading again after its reconnect backoff. Bounds memory when devices publish
   * faster than storage keeps up (docs/performance.md). Default 20 000.
   */
  maxQueued?: number;
  /**
   * Stores batches on the calling thread while it has time to spare (./inline-gate: batches of up
   * to 128, the thread's own utilization under 0.5, the inline calls under a quarter of its time,
   * a rest of 2 s after a call slower than 20 ms); a batch that fails there goes to the options'
   * `ingest` as usual. Default: none (every batch goes to the options' `ingest`).
   */
  inline?: InlineGateOptions & { ingest: MessageFlowOptions['ingest'] };
  /** Monotonic clock in ms with sub-millisecond resolution, for arrival rates. Default performance.now. */
  monotonic?: () => number;
  onError?: (error: unknown) => void;
}

interface Pending {
  message: IngestMessage;
  /** When it was queued (the flow's monotonic clock, ms). */
  since: number;
  /** With the message's reply to its device, if it has one. */
  resolve: (reply: DeviceReply | null) => void;
  reject: (e: Error) => void;
}

export interface FlowStats {
  batches: number;
  messages: number;
  stored: number;
  duplicates: number;
  rejected: number;
  failedBatches: number;
  /** Times a batch waited for more messages (group commit under load). */
  waits: number;
  /** Messages refused because `maxQueued` were waiting (not acknowledged: the device resends). */
  overloaded: number;
  /** Batches stored by the `inline` path. */
  inlineBatches: number;
  /** Batches the `inline` path could not store (sent to `ingest` then). */
  inlineFallbacks: number;
  /** Inline calls slower than `inline.slowMs` (each rests the inline path for `inline.restMs`). */
  inlineSlow: number;
  /** Batches sent to the worker because the calling thread was busy or its inline share used up. */
  inlineBusy: number;
}

/** The span over which the arrival rate is averaged, ms. */
const RATE_WINDOW_MS = 100;

export class IngestUnavailableError extends Error {
  readonly code = 'INGEST_UNAVAILABLE';
}

export class FlowOverloadedError extends Error {
  readonly code = 'INGEST_OVERLOADED';
}

export function createMessageFlow(opts: MessageFlowOptions) {
  const maxBatch = opts.maxBatch ?? 1000;
  const maxPayload = opts.maxPayloadBytes ?? 16 * 1024;
  const attempts = opts.attempts ?? 3;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const limiter = createRateLimiter(opts.rateLimit ?? DEFAULT_RATE_LIMIT, opts.now);
  const stats: FlowStats = {
    batches: 0,
    messages: 0,
    stored: 0,
    duplicates: 0,
    rejected: 0,
    failedBatches: 0,
    waits: 0,
    overloaded: 0,
    inlineBatches: 0,
    inlineFallbacks: 0,
    inlineSlow: 0,
    inlineBusy: 0,
  };
  const maxQueued = opts.maxQueued ?? 20_000;
  const gc = opts.groupCommit === false ? undefined : (opts.groupCommit ?? {});
  const targetBatch = gc ? Math.min(maxBatch, gc.targetBatch ?? 64) : 0;
  const maxWaitMs = gc ? (gc.maxWaitMs ?? 40) : 0;
  const minRatePerMs = (gc?.minRatePerS ?? 400) / 1000;
  const linger = opts.linger ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const clock = opts.monotonic ?? (() => performance.now());
  const presenceDelayMs = opts.presenceDelayMs ?? 250;
  const inline = opts.inline ? { ingest: opts.inline.ingest, gate: createInlineGate(opts.inline, clock) } : undefined;
  const setTimer =
    opts.setTimer ??
    ((fn: () => void, ms: number) => {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    });
  // Waiting messages are queue[head…]: taking a batch moves `head` instead of copying the rest, so
  // a backlog (an overloaded machine) does not make every batch cost as much as the whole backlog.
  let queue: Pending[] = [];
  let head = 0;
  const queued = () => queue.length - head;
  /** Queued messages other than presence: while there are none, presence may wait. */
  let urgent = 0;
  /** Ends the presence wait early (set while it lasts). */
  let wake: (() => void) | undefined;
  let running: Promise<void> | undefined;
  // Arrival rate of messages other than presence: counted since `markAt`, folded into a
  // time-weighted average at every batch (an idle spell longer than RATE_WINDOW_MS resets it).
  let arrivals = 0;
  let markAt = clock();
  let ratePerMs = 0;
  const idleWaiters: Array<() => void> = [];

  function enqueue(message: IngestMessage): Promise<DeviceReply | null> {
    if (message.type !== 'presence' && urgent >= maxQueued) {
      stats.overloaded++;
      return Promise.reject(new FlowOverloadedError(`${urgent} messages are waiting to be stored`));
    }
    return new Promise<DeviceReply | null>((resolve, reject) => {
      queue.push({ message, since: clock(), resolve, reject });
      if (message.type !== 'presence') {
        urgent++;
        arrivals++;
        wake?.();
      }
      if (!running) running = drain();
    });
  }

  async function drain(): Promise<void> {
    // Let the rest of this I/O turn's packets join the first batch.
    await new Promise<void>((r) => setImmediate(r));
    while (queued() > 0) {
      if (urgent === 0 && presenceDelayMs > 0) await presenceWait();
      const wait = lingerMs();
      if (wait > 0) {
        stats.waits++;
        await linger(wait);
      }
      const batch = queue.slice(head, head + maxBatch);
      head += batch.length;
      // Sent entries must not stay reachable from the queue until the next compaction: an empty
      // queue starts afresh, so in steady state nothing sent is kept alive by it.
      if (head === queue.length) {
        queue = [];
        head = 0;
      } else if (head >= 1024 && head * 2 >= queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
      for (const p of batch) if (p.message.type !== 'presence') urgent--;
      await send(batch);
    }
    running = undefined;
    idleWaiters.splice(0).forEach((w) => w());
  }

  /** Until `presenceDelayMs` passed or a message other than presence arrived (or `idle` was asked). */
  function presenceWait(): Promise<void> {
    if (idleWaiters.length > 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        cancel();
        wake = undefined;
        resolve();
      };
      const cancel = setTimer(done, presenceDelayMs);
      wake = done;
    });
  }

  function observeRate(t: number): void {
    const span = t - markAt;
    if (span <= 0) return;
    const recent = arrivals / span;
    ratePerMs = span >= RATE_WINDOW_MS ? recent : ratePerMs + (recent - ratePerMs) * (span / RATE_WINDOW_MS);
    arrivals = 0;
    markAt = t;
  }

  /**
   * How long to let a small batch fill: 0 below the rate threshold or once it is big enough. The
   * oldest entry's time in the queue counts against `maxWaitMs`: where commits are slow (a large
   * fleet, a busy disk) batches already grew while it waited, and a further wait would only add
   * to its PUBACK latency. (A presence entry that waited for company makes the batch go at once.)
   */
  function lingerMs(): number {
    const t = clock();
    observeRate(t);
    if (!gc || queued() >= targetBatch || ratePerMs < minRatePerMs) return 0;
    const wait = Math.min(maxWaitMs - (t - queue[head]!.since), (targetBatch - queued()) / ratePerMs);
    // Timers are not finer than a millisecond: a shorter wait would cost a tick for nothing.
    return wait >= 1 ? wait : 0;
  }

  /** Settles a stored batch's messages, each with its reply (the caller sends it after the PUBACK). */
  function stored(batch: Pending[], data: IngestResult): void {
    stats.batches++;
    stats.messages += batch.length;
    stats.stored += data.stored;
    stats.duplicates += data.duplicates;
    stats.rejected += data.rejected;
    batch.forEach((p, i) => p.resolve(data.replies[i] ?? null));
  }

  /** One call of an `ingest`: a throw is an INTERNAL answer, so every call settles the same way. */
  async function call(ingest: MessageFlowOptions['ingest'], messages: IngestMessage[]): Promise<Result<IngestResult>> {
    try {
      return await ingest(messages);
    } catch (e) {
      return { ok: false, code: 'INTERNAL', message: (e as Error)?.message ?? String(e) };
    }
  }

  /** Tries the inline path while the thread has time to spare; true if it stored the batch. */
  async function storedInline(batch: Pending[], messages: IngestMessage[]): Promise<boolean> {
    if (!inline) return false;
    const verdict = inline.gate.check(batch.length);
    if (verdict === 'busy') stats.inlineBusy++;
    if (verdict !== 'inline') return false;
    const started = clock();
    const result = await call(inline.ingest, messages);
    if (inline.gate.record(started, clock())) stats.inlineSlow++;
    if (!result.ok) {
      // Usually the write lock was taken (SQLITE_BUSY): the worker waits for it instead. The inline
      // call stores a batch whole or not at all (local-cloud/stack/inline-ingest), and storage is
      // idempotent anyway.
      stats.inlineFallbacks++;
      return false;
    }
    stats.inlineBatches++;
    stored(batch, result.data);
    return true;
  }

  async function send(batch: Pending[]): Promise<void> {
    const messages = batch.map((p) => p.message);
    if (await storedInline(batch, messages)) return;
    let lastError = 'ingest failed';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const result = await call(opts.ingest, messages);
      if (result.ok) return stored(batch, result.data);
      lastError = `${result.code}: ${result.message}`;
      if (attempt < attempts) await sleep(50 * 2 ** (attempt - 1));
    }
    stats.failedBatches++;
    opts.onError?.(new IngestUnavailableError(lastError));
    batch.forEach((p) => p.reject(new IngestUnavailableError(lastError)));
  }

  function reject(deviceId: string, kind: RejectKind, detail: string): Promise<DeviceReply | null> {
    return enqueue({ type: 'rejected', deviceId, kind, detail, receivedAt: opts.now() });
  }

  return {
    stats,
    /**
     * A device published `payload` on `topic`. Resolves once the message is stored or counted as
     * rejected (then it may be acknowledged), with the Alink reply to send the device after the
     * PUBACK (null: none, e.g. `"sys": {"ack": 0}`); rejects if the backend could not take it.
     */
    telemetry(deviceId: string, topic: string, payload: Buffer): Promise<DeviceReply | null> {
      if (payload.length > maxPayload) return reject(deviceId, 'too-large', `payload of ${payload.length} bytes exceeds ${maxPayload}`);
      if (!limiter.take(deviceId)) return reject(deviceId, 'rate-limited', 'message rate above the device limit');
      return enqueue({ type: 'telemetry', deviceId, topic, payload: payload.toString('utf8'), receivedAt: opts.now() });
    },
    presence(deviceId: string, online: boolean): void {
      enqueue({ type: 'presence', deviceId, online, at: opts.now() }).catch((e) => opts.onError?.(e));
    },
    /** Resolves when everything queued so far has been sent (presence without its wait). */
    idle(): Promise<void> {
      if (!running) return Promise.resolve();
      const settled = new Promise<void>((r) => idleWaiters.push(r));
      wake?.();
      return settled;
    },
  };
}

export type MessageFlow = ReturnType<typeof createMessageFlow>;
