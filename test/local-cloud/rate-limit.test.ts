/** The in-memory guessing limiter (backend/rate-limit) with a manual clock. */
import { createGuessLimiter, retryText } from '../../backend/rate-limit';

describe('guess limiter', () => {
  let now = 1_000_000;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  test('attempts: a burst, then one per refill interval', () => {
    const l = createGuessLimiter({ now: clock, rules: { ip: { burst: 3, perMinute: 60 } } });
    for (let i = 0; i < 3; i++) expect(l.attempt(['ip:a']).ok).toBe(true);
    expect(l.attempt(['ip:a'])).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(l.attempt(['ip:b']).ok).toBe(true); // another source is unaffected
    now += 1000;
    expect(l.attempt(['ip:a']).ok).toBe(true);
    expect(l.attempt(['ip:a']).ok).toBe(false);
    expect(l.stats.refused).toBe(2);
  });

  test('failures: free ones, then blocks doubling up to the cap, forgotten later', () => {
    const l = createGuessLimiter({ now: clock, rules: { k: { freeFailures: 2, baseBlockMs: 1000, maxBlockMs: 4000, forgetMs: 60_000 } } });
    const fail = () => l.failure(['k:x']);
    fail();
    fail();
    expect(l.attempt(['k:x']).ok).toBe(true);
    const blocks: number[] = [];
    for (let i = 0; i < 4; i++) {
      fail();
      const r = l.attempt(['k:x']);
      blocks.push(r.ok ? 0 : r.retryAfterMs);
    }
    expect(blocks).toEqual([1000, 2000, 4000, 4000]);
    now += 4000 + 60_001; // block over, failures forgotten
    expect(l.attempt(['k:x']).ok).toBe(true);
    fail();
    expect(l.attempt(['k:x']).ok).toBe(true); // counting starts again
  });

  test('a success clears the keys it names, not the others', () => {
    const l = createGuessLimiter({ now: clock, rules: { ip: { freeFailures: 1 }, code: { freeFailures: 1 } } });
    l.failure(['ip:a', 'code:c']);
    l.failure(['ip:a', 'code:c']);
    expect(l.attempt(['code:c']).ok).toBe(false);
    l.success(['code:c']);
    expect(l.attempt(['code:c']).ok).toBe(true);
    expect(l.attempt(['ip:a']).ok).toBe(false);
  });

  test('keeps at most maxKeys keys, forgetting the least recently used', () => {
    const l = createGuessLimiter({ now: clock, maxKeys: 2, rules: { k: { freeFailures: 0 } } });
    l.failure(['k:1']);
    l.failure(['k:2']);
    l.failure(['k:3']);
    expect(l.attempt(['k:1']).ok).toBe(true); // evicted
    expect(l.attempt(['k:3']).ok).toBe(false);
  });

  test('says how long to wait', () => {
    expect(retryText(400)).toBe('1 s');
    expect(retryText(4200)).toBe('5 s');
    expect(retryText(90_000)).toBe('2 min');
  });
});
