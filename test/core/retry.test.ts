/** core/retry: the jittered backoff and the retry loop (the pause is the test's, so no time passes). */
import { backoffDelay, retry } from '../../core/retry';

describe('backoffDelay', () => {
  test('doubles from the base up to the cap; equal jitter keeps half of it, full jitter none', () => {
    const b = { baseMs: 100, capMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, { ...b, random: () => 1 }))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(3, { ...b, random: () => 0 })).toBe(400);
    expect(backoffDelay(3, { ...b, jitter: 'full', random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { ...b, jitter: 'full', random: () => 0.5 })).toBe(400);
  });

  test('two clients drawing different numbers wait different times', () => {
    const b = { baseMs: 1000, capMs: 60_000 };
    expect(backoffDelay(5, { ...b, random: () => 0.1 })).not.toBe(backoffDelay(5, { ...b, random: () => 0.9 }));
  });
});

describe('retry', () => {
  const pauses: number[] = [];
  const sleep = async (ms: number) => void pauses.push(ms);
  beforeEach(() => pauses.splice(0));

  test('tries again after growing pauses until it succeeds', async () => {
    let calls = 0;
    const r = await retry(async () => (++calls < 3 ? Promise.reject(new Error('busy')) : 'done'), {
      attempts: 5,
      baseMs: 10,
      capMs: 100,
      random: () => 1,
      sleep,
    });
    expect(r).toBe('done');
    expect(calls).toBe(3);
    expect(pauses).toEqual([10, 20]);
  });

  test('gives up after the last attempt with the last failure, and at once on a failure not worth retrying', async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error(`fail ${calls}`);
    };
    await expect(retry(failing, { attempts: 3, baseMs: 1, capMs: 1, sleep })).rejects.toThrow('fail 3');
    expect(pauses).toHaveLength(2);
    calls = 0;
    await expect(retry(failing, { attempts: 3, baseMs: 1, capMs: 1, sleep, retryIf: () => false })).rejects.toThrow('fail 1');
  });
});
