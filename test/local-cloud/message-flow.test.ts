/**
 * The message flow's batching and failure handling. `ingest` is replaced here by a recording
 * function: the unit under test is the flow (the real ingest is covered end to end).
 */
import { err, ok, type Result } from '../../core';
import type { IngestMessage, IngestResult } from '../../cloudfunctions/ingest/messages';
import { createLoopUtilization, createMessageFlow, FlowOverloadedError, IngestUnavailableError, type MessageFlowOptions } from '../../local-cloud/message-flow';

const TOPIC = '/sys/pk01/bed-01/thing/event/property/post';

/** The numbers the telemetry payloads of these batches carry, in order (-1 for other messages). */
const numbers = (batches: IngestMessage[][]) => batches.flat().map((m) => (m.type === 'telemetry' ? Number(m.payload) : -1));

function setup(outcomes: Array<'ok' | 'fail'> = [], extra = {}) {
  const batches: IngestMessage[][] = [];
  const published: Array<[string, string]> = [];
  const sleeps: number[] = [];
  const created = createMessageFlow({
    now: () => 1_000,
    sleep: async (ms) => void sleeps.push(ms),
    ingest: async (messages): Promise<Result<IngestResult>> => {
      batches.push(messages);
      if ((outcomes.shift() ?? 'ok') === 'fail') return err('UNAVAILABLE', 'database is locked');
      const replies = messages.map((m) =>
        m.type === 'presence' ? null : { topic: `/sys/${m.deviceId}/thing/event/property/post_reply`, payload: '{"code":200}', code: 200 },
      );
      return ok({ replies, stored: messages.length, duplicates: 0, rejected: 0 });
    },
    ...extra,
  });
  // The replies a telemetry promise resolves with, in the order they settle (the broker sends each
  // after its message's PUBACK).
  const flow: typeof created = {
    ...created,
    telemetry: (deviceId, topic, payload) =>
      created.telemetry(deviceId, topic, payload).then((reply) => {
        if (reply) published.push([reply.topic, reply.payload]);
        return reply;
      }),
  };
  return { flow, batches, published, sleeps };
}

describe('message flow', () => {
  test('messages arriving together go to ingest as one batch, in order', async () => {
    const { flow, batches, published } = setup();
    flow.presence('pk01/bed-01', true);
    await Promise.all([1, 2, 3].map((i) => flow.telemetry('pk01/bed-01', TOPIC, Buffer.from(`{"id":"${i}"}`))));
    expect(batches).toHaveLength(1);
    expect(batches[0].map((m) => m.type)).toEqual(['presence', 'telemetry', 'telemetry', 'telemetry']);
    expect(published.map(([t]) => t)).toEqual(Array(3).fill('/sys/pk01/bed-01/thing/event/property/post_reply'));
  });

  test('batches are split at maxBatch', async () => {
    const { flow, batches } = setup([], { maxBatch: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((i) => flow.telemetry('pk01/bed-01', TOPIC, Buffer.from(String(i)))));
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
  });

  test('a backlog of thousands is sent in order, maxBatch at a time, every message settling', async () => {
    const { flow, batches } = setup([], { maxBatch: 100, rateLimit: { perSecond: 1e6, burst: 1e6 } });
    await Promise.all(Array.from({ length: 5000 }, (_, i) => flow.telemetry(`pk01/bed-${i % 50}`, TOPIC, Buffer.from(String(i)))));
    expect(batches.map((b) => b.length)).toEqual(Array(50).fill(100));
    expect(numbers(batches)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  test('retries a failed batch with backoff and then succeeds', async () => {
    const { flow, batches, sleeps } = setup(['fail', 'fail', 'ok']);
    await flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('{}'));
    expect(batches).toHaveLength(3);
    expect(sleeps).toEqual([50, 100]);
    expect(flow.stats.failedBatches).toBe(0);
  });

  test('fails every message of a batch that cannot be stored, so none is acknowledged', async () => {
    const { flow, published } = setup(['fail', 'fail', 'fail']);
    const results = await Promise.allSettled([1, 2].map(() => flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('{}'))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(IngestUnavailableError);
    expect(published).toEqual([]);
    expect(flow.stats.failedBatches).toBe(1);
    // The flow keeps working for later messages.
    await expect(flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('{}'))).resolves.toMatchObject({ code: 200 });
  });

  test('a thrown error from ingest is handled like a failed result', async () => {
    const flow = createMessageFlow({
      now: () => 0,
      sleep: async () => undefined,
      ingest: async () => Promise.reject(new Error('boom')),
    });
    await expect(flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('{}'))).rejects.toThrow(/boom/);
  });

  test('oversize payloads and rate-limited messages are passed on as rejections, not telemetry', async () => {
    const { flow, batches } = setup([], { maxPayloadBytes: 10, rateLimit: { perSecond: 1, burst: 1 } });
    await flow.telemetry('pk01/bed-01', TOPIC, Buffer.alloc(11));
    await flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('{}'));
    await flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('{}'));
    const kinds = batches.flat().map((m) => (m.type === 'rejected' ? m.kind : m.type));
    expect(kinds).toEqual(['too-large', 'telemetry', 'rate-limited']);
  });

  test('idle() resolves once everything queued has been sent', async () => {
    const { flow, batches } = setup();
    flow.presence('pk01/bed-01', true);
    flow.presence('pk01/bed-01', false);
    await flow.idle();
    expect(batches.flat()).toHaveLength(2);
  });

  test('beyond maxQueued waiting messages, telemetry is refused (counted) until storage catches up; nothing queued is lost', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const stored: string[] = [];
    const flow = createMessageFlow({
      now: () => 1_000,
      maxQueued: 3,
      ingest: async (messages): Promise<Result<IngestResult>> => {
        await gate;
        for (const m of messages) if (m.type === 'telemetry') stored.push(m.payload);
        return ok({ replies: messages.map(() => null), stored: messages.length, duplicates: 0, rejected: 0 });
      },
    });
    const first = flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('a'));
    await new Promise((r) => setImmediate(r)); // 'a' is now in flight, held at the gate
    const queued = ['b', 'c', 'd'].map((p) => flow.telemetry('pk01/bed-01', TOPIC, Buffer.from(p)));
    const refused = flow.telemetry('pk01/bed-02', TOPIC, Buffer.from('e'));
    await expect(refused).rejects.toBeInstanceOf(FlowOverloadedError);
    await expect(refused).rejects.toMatchObject({ code: 'INGEST_OVERLOADED' });
    // Presence is not refused: it acknowledges nothing and is bounded by the number of devices.
    flow.presence('pk01/bed-03', true);
    expect(flow.stats.overloaded).toBe(1);
    release();
    await Promise.all([first, ...queued]);
    await flow.telemetry('pk01/bed-02', TOPIC, Buffer.from('e'));
    await flow.idle();
    expect(stored).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  describe('presence waits for company', () => {
    /** A fake timer: `fire()` runs the pending one; `set` records each requested delay. */
    function fakeTimer() {
      const set: number[] = [];
      let pending: (() => void) | undefined;
      return {
        set,
        setTimer: (fn: () => void, ms: number) => {
          set.push(ms);
          pending = fn;
          return () => {
            if (pending === fn) pending = undefined;
          };
        },
        fire: () => pending?.(),
        pending: () => pending !== undefined,
      };
    }
    const tick = () => new Promise<void>((r) => setImmediate(r));

    test('presence alone waits presenceDelayMs, and what came meanwhile goes in the same batch', async () => {
      const timer = fakeTimer();
      const { flow, batches } = setup([], { setTimer: timer.setTimer });
      flow.presence('pk01/bed-01', true);
      await tick();
      flow.presence('pk01/bed-02', true);
      flow.presence('pk01/bed-03', true);
      await tick();
      expect(batches).toHaveLength(0);
      expect(timer.set).toEqual([250]);
      timer.fire();
      await flow.idle();
      expect(batches.map((b) => b.map((m) => m.deviceId))).toEqual([['pk01/bed-01', 'pk01/bed-02', 'pk01/bed-03']]);
    });

    test('a device message ends the wait at once and is sent with the presence before it', async () => {
      const timer = fakeTimer();
      const { flow, batches } = setup([], { setTimer: timer.setTimer });
      flow.presence('pk01/bed-01', true);
      await tick();
      expect(timer.pending()).toBe(true);
      await flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('{}'));
      expect(timer.pending()).toBe(false);
      expect(batches.map((b) => b.map((m) => m.type))).toEqual([['presence', 'telemetry']]);
    });

    test('presenceDelayMs: 0 sends presence at once; idle() does not wait for the delay', async () => {
      const timer = fakeTimer();
      const off = setup([], { setTimer: timer.setTimer, presenceDelayMs: 0 });
      off.flow.presence('pk01/bed-01', true);
      await off.flow.idle();
      expect(off.batches).toHaveLength(1);
      const on = setup([], { setTimer: timer.setTimer });
      on.flow.presence('pk01/bed-01', true);
      await on.flow.idle();
      expect(on.batches).toHaveLength(1);
      expect(timer.set).toEqual([]); // neither flow started a timer
    });
  });

  describe('group commit under load', () => {
    /**
     * A flow whose ingest takes `commitMs` on a fake clock, during which `during(batchNo)` may
     * enqueue more; while a batch waits, `perWaitMs` messages arrive per millisecond waited.
     */
    function loaded(commitMs: number, during: (batchNo: number) => void, groupCommit: MessageFlowOptions['groupCommit'] = {}, perWaitMs = 1) {
      let clock = 0;
      const batches: number[] = [];
      const waits: number[] = [];
      const acks: Array<Promise<unknown>> = [];
      let flow!: ReturnType<typeof createMessageFlow>;
      flow = createMessageFlow({
        now: () => 1_000,
        monotonic: () => clock,
        groupCommit,
        linger: async (ms) => {
          waits.push(ms);
          clock += ms;
          for (let i = 0; i < Math.round(ms * perWaitMs); i++) acks.push(flow.telemetry(`pk01/bed-${i % 50}`, TOPIC, Buffer.from('{}')));
        },
        ingest: async (messages): Promise<Result<IngestResult>> => {
          batches.push(messages.length);
          during(batches.length);
          clock += commitMs;
          await Promise.resolve();
          return ok({ replies: messages.map(() => null), stored: messages.length, duplicates: 0, rejected: 0 });
        },
      });
      const send = (n: number) => {
        for (let i = 0; i < n; i++) acks.push(flow.telemetry(`pk01/bed-${i % 50}`, TOPIC, Buffer.from('{}')));
      };
      /** Starts the stream with one message and waits until everything sent has settled. */
      const run = async () => {
        send(1);
        await Promise.all(acks);
        await flow.idle();
      };
      return { flow: () => flow, batches, waits, acks, send, run };
    }

    test('messages arriving one at a time never wait', async () => {
      const { flow, batches, waits } = loaded(5, () => undefined);
      for (let i = 0; i < 5; i++) await flow().telemetry('pk01/bed-01', TOPIC, Buffer.from('{}'));
      expect(batches).toEqual([1, 1, 1, 1, 1]);
      expect(waits).toEqual([]);
      expect(flow().stats.waits).toBe(0);
    });

    test('a steady stream below minRatePerS never waits (latency at light load is unchanged)', async () => {
      // 2 messages per 10 ms commit: 200 per second, under the default threshold of 400.
      const t = loaded(10, (n) => n < 30 && t.send(2));
      await t.run();
      expect(t.waits).toEqual([]);
      expect(t.batches.slice(1).every((n) => n === 2)).toBe(true);
      expect(t.flow().stats.messages).toBe(59);
    });

    test('a sustained stream above minRatePerS makes small batches wait (at most maxWaitMs) and grow; every message settles', async () => {
      // 10 messages per 10 ms commit: 1000 per second; 1 more per ms while a batch waits.
      const t = loaded(10, (n) => n < 30 && t.send(10));
      await t.run();
      expect(t.waits.length).toBeGreaterThan(5);
      // The oldest message of the batch arrived as the last commit began, 10 ms before: it may wait
      // 30 ms more (maxWaitMs 40).
      expect(Math.max(...t.waits)).toBeLessThanOrEqual(30);
      expect(t.flow().stats.waits).toBe(t.waits.length);
      // Batches grow from the ~10 that arrive during one commit towards targetBatch (64): a 30-ms
      // wait at 1 per ms adds 30 to them.
      expect(Math.max(...t.batches)).toBeGreaterThanOrEqual(38);
      expect(Math.max(...t.batches)).toBeLessThanOrEqual(64);
      expect(t.flow().stats.messages).toBe(t.acks.length);
    });

    test('time queued counts against maxWaitMs: where commits are slow, batches wait less (PUBACK latency stays bounded)', async () => {
      // 30-ms commits with 30 messages arriving during each (1000 per second): the oldest message
      // has waited 30 ms when its batch is taken, so the batch waits at most 10 ms more.
      const t = loaded(30, (n) => n < 20 && t.send(30));
      await t.run();
      expect(t.waits.length).toBeGreaterThan(5);
      expect(Math.max(...t.waits)).toBeLessThanOrEqual(10);
      // And a commit slower than maxWaitMs makes no batch wait at all.
      const slow = loaded(45, (n) => n < 20 && slow.send(45));
      await slow.run();
      expect(slow.waits).toEqual([]);
      expect(slow.flow().stats.messages).toBe(slow.acks.length);
      expect(t.flow().stats.messages).toBe(t.acks.length);
    });

    test('targetBatch bounds the wait', async () => {
      const t = loaded(10, (n) => n < 30 && t.send(10), { maxWaitMs: 40, targetBatch: 12 });
      await t.run();
      expect(t.waits.length).toBeGreaterThan(0);
      // (12 - 10 queued) at the averaged arrival rate (under 1 per ms: the rate is averaged over
      // commits and waits alike): a few ms, far below the 30 ms that maxWaitMs would leave.
      expect(Math.max(...t.waits)).toBeLessThanOrEqual(6);
      expect(t.flow().stats.messages).toBe(t.acks.length);
    });

    test('with groupCommit: false the flow sends what is queued at once, whatever the rate', async () => {
      const t = loaded(10, (n) => n < 30 && t.send(10), false);
      await t.run();
      expect(t.waits).toEqual([]);
      expect(t.batches.slice(1).every((n) => n === 10)).toBe(true);
    });
  });

  describe('inline path while the thread has time to spare', () => {
    /** The flow with an inline `ingest` that answers as `inlineOutcomes` say ('throw' throws). */
    function withInline(inlineOutcomes: Array<'ok' | 'fail' | 'throw'> = [], extra: Partial<MessageFlowOptions> = {}) {
      const inlined: IngestMessage[][] = [];
      let clock = 0;
      /** How long each inline call takes on the flow's clock. */
      let inlineMs = 0.5;
      /** The thread's event-loop utilization the flow is told. */
      let busy = 0.1;
      const t = setup([], {
        monotonic: () => clock,
        groupCommit: false,
        rateLimit: { perSecond: 1e6, burst: 1e6 },
        inline: {
          maxBatch: 2,
          utilization: () => busy,
          ingest: async (messages: IngestMessage[]): Promise<Result<IngestResult>> => {
            inlined.push(messages);
            clock += inlineMs;
            const outcome = inlineOutcomes.shift() ?? 'ok';
            if (outcome === 'throw') throw new Error('SQLITE_BUSY: database is locked');
            if (outcome === 'fail') return err('INTERNAL', 'SQLITE_BUSY: database is locked');
            const replies = messages.map(() => ({ topic: 'inline/reply', payload: '{"code":200}', code: 200 }));
            return ok({ replies, stored: messages.length, duplicates: 0, rejected: 0 });
          },
        },
        ...extra,
      });
      return {
        ...t,
        inlined,
        advance: (ms: number) => void (clock += ms),
        inlineTakes: (ms: number) => void (inlineMs = ms),
        threadBusy: (u: number) => void (busy = u),
      };
    }

    test('a batch is stored inline while the thread has time to spare, not sent to the worker; it resolves with its reply', async () => {
      const t = withInline();
      t.advance(1000);
      await t.flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('{"id":"1"}'));
      expect(t.inlined).toHaveLength(1);
      expect(t.batches).toHaveLength(0);
      expect(t.published).toEqual([['inline/reply', '{"code":200}']]);
      expect(t.flow.stats).toMatchObject({ inlineBatches: 1, inlineFallbacks: 0, batches: 1, stored: 1 });
    });

    test('a batch the inline path cannot store (error or exception) goes to the worker and settles with the reply from the worker', async () => {
      for (const outcome of ['fail', 'throw'] as const) {
        const t = withInline([outcome]);
        t.advance(1000);
        await t.flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('{"id":"1"}'));
        expect(t.inlined).toHaveLength(1);
        expect(t.batches).toHaveLength(1);
        expect(t.published.map(([topic]) => topic)).toEqual(['/sys/pk01/bed-01/thing/event/property/post_reply']);
        expect(t.flow.stats).toMatchObject({ inlineBatches: 0, inlineFallbacks: 1, batches: 1, stored: 1, failedBatches: 0 });
      }
    });

    test("batches larger than maxBatch, and batches while the thread's own work is at maxUtilization (0.5), go to the worker; each message once", async () => {
      const t = withInline();
      t.advance(1000);
      // Three at once: larger than maxBatch (2).
      await Promise.all([1, 2, 3].map((i) => t.flow.telemetry('pk01/bed-01', TOPIC, Buffer.from(String(i)))));
      expect(t.batches.map((b) => b.length)).toEqual([3]);
      await t.flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('4'));
      t.threadBusy(0.51);
      await t.flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('5'));
      // Utilization counts the inline calls too; what they add is not the thread's own work.
      t.advance(10);
      t.threadBusy(0.5 + 0.4 * (0.5 / 1000));
      await t.flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('6'));
      expect(numbers(t.inlined)).toEqual([4, 6]);
      expect(numbers(t.batches)).toEqual([1, 2, 3, 5]);
      expect(t.flow.stats).toMatchObject({ inlineBatches: 2, inlineBusy: 1, batches: 4, stored: 6 });
    });

    test('a utilization reading that throws counts as busy: the batch goes to the worker and settles', async () => {
      const broken = setup([], {
        monotonic: () => 0,
        inline: {
          ingest: async () => err('INTERNAL', 'must not be called'),
          utilization: () => {
            throw new Error('no counters');
          },
        },
      });
      await expect(broken.flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('1'))).resolves.toMatchObject({ code: 200 });
      expect(broken.batches).toHaveLength(1);
      expect(broken.flow.stats).toMatchObject({ inlineBusy: 1, inlineBatches: 0, stored: 1 });
    });

    test("inline calls take at most maxShare (0.25) of the thread's time: beyond it batches go to the worker, each message once", async () => {
      const t = withInline();
      t.advance(1000);
      // 2000 messages, 1 ms apart plus the inline call's 0.5 ms: a third of the thread's time if all
      // were inline, so some go to the worker, and the inline calls keep to about a quarter of it.
      for (let i = 1; i <= 2000; i++) {
        t.advance(1);
        await t.flow.telemetry('pk01/bed-01', TOPIC, Buffer.from(String(i)));
      }
      const inlined = numbers(t.inlined);
      const late = inlined.filter((n) => n > 1000).length;
      const share = (late * 0.5) / (1000 + late * 0.5);
      expect(share).toBeGreaterThan(0.22);
      expect(share).toBeLessThan(0.28);
      expect([...inlined, ...numbers(t.batches)].sort((a, b) => a - b)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
      // After a quiet spell the share has decayed: the next message is stored inline again.
      t.advance(5000);
      await t.flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('2001'));
      expect(numbers(t.inlined).at(-1)).toBe(2001);
    });

    test('an inline call slower than slowMs (20) rests the inline path for restMs (2 s): batches go to the worker meanwhile', async () => {
      const t = withInline();
      t.advance(1000);
      t.inlineTakes(30);
      await t.flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('1'));
      expect(t.flow.stats).toMatchObject({ inlineBatches: 1, inlineSlow: 1 });
      t.inlineTakes(0.5);
      t.advance(1000);
      await t.flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('2'));
      expect(t.batches).toHaveLength(1);
      t.advance(1100);
      await t.flow.telemetry('pk01/bed-01', TOPIC, Buffer.from('3'));
      expect(t.inlined).toHaveLength(2);
      expect(t.flow.stats).toMatchObject({ inlineBatches: 2, inlineSlow: 1, stored: 3 });
    });
  });

  test('createLoopUtilization: each span since the last reading moves the average by its share of the window', () => {
    const readings = [
      { idle: 0, active: 0 },
      { idle: 0, active: 1000 }, // a whole window busy
      { idle: 100, active: 1000 }, // 100 ms idle: a tenth of the window
      { idle: 100, active: 1000 }, // nothing elapsed: unchanged
      { idle: 50, active: 900 }, // counters went backwards (not a real reading): unchanged
      { idle: 600, active: 1500 }, // 500 ms idle, 500 active: half a window at 0.5
    ];
    const utilization = createLoopUtilization(1000, () => readings.shift()!);
    expect(utilization()).toBe(1);
    expect(utilization()).toBeCloseTo(0.9, 10);
    expect(utilization()).toBeCloseTo(0.9, 10);
    expect(utilization()).toBeCloseTo(0.9, 10);
    expect(utilization()).toBeCloseTo(0.9 + (0.5 - 0.9) * 1, 10);
  });

  test('createLoopUtilization reads the real event loop: a busy spell shows', () => {
    const utilization = createLoopUtilization(50);
    const until = performance.now() + 100;
    while (performance.now() < until) {
      // busy: the event loop does not get to wait for I/O
    }
    expect(utilization()).toBeGreaterThan(0.5);
  });
});
