/** The project's one retry schedule: capped exponential backoff with equal jitter. */
import { backoffDelay, createBackoff } from '../../core/retry';

describe('backoff', () => {
  test('each delay lies between half and all of its step, steps double up to the cap', () => {
    const opts = { initialMs: 100, maxMs: 1000 };
    const steps = [100, 200, 400, 800, 1000, 1000];
    steps.forEach((step, attempt) => {
      expect(backoffDelay(attempt, { ...opts, random: () => 0 })).toBe(step / 2);
      expect(backoffDelay(attempt, { ...opts, random: () => 0.999999 })).toBe(step);
    });
    // Absurd attempt counts neither overflow nor go negative.
    expect(backoffDelay(10_000, { ...opts, random: () => 0 })).toBe(500);
    expect(backoffDelay(-3, { ...opts, random: () => 0 })).toBe(50);
  });

  test('a fleet retrying at once spreads out instead of coming back in the same instant', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const delays = Array.from({ length: 1000 }, () => backoffDelay(3, { initialMs: 1000, maxMs: 60_000, random }));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(4000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(8000);
    expect(new Set(delays.map((d) => Math.floor(d / 100))).size).toBeGreaterThan(30);
  });

  test('a schedule counts failures and starts again after a success', () => {
    const b = createBackoff({ initialMs: 10, maxMs: 40, random: () => 0.999999 });
    expect([b.next(), b.next(), b.next(), b.next()]).toEqual([10, 20, 40, 40]);
    expect(b.attempts).toBe(4);
    b.reset();
    expect(b.attempts).toBe(0);
    expect(b.next()).toBe(10);
  });
});
