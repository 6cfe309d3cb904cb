/**
 * Limits on guessing (sign-in, invite codes, bind codes, MQTT logins), kept in memory.
 *
 * Each attempt names keys — typically its source (`ip:…`) and its target (`code:…`,
 * `user:…`, `mqtt:<username>`) — and is refused while any of them is blocked:
 *
 * - **Attempts**: each key has a token bucket (`burst` attempts at once, refilled at `perMinute`),
 *   so one source cannot make hundreds of attempts per second even when they succeed.
 * - **Failures**: after `freeFailures` failures a key is blocked for `baseBlockMs`, doubling with
 *   each further failure up to `maxBlockMs` (exponential backoff). A key's failures are forgotten
 *   `forgetMs` after its last failure; a success clears the failures of the keys passed to
 *   `success` (callers pass the target, not the source, so successes cannot launder a guesser).
 *
 * State is per process: on the local host that is the whole system; on CloudBase each function
 * instance has its own, so a guesser spread over concurrent instances gets the limit once per
 * instance (docs/security.md). At most `maxKeys` keys are kept; the least recently used go first.
 */

export interface LimitRule {
  /** Attempts allowed at once. */
  burst: number;
  /** Attempts refilled per minute. */
  perMinute: number;
  /** Failures before the first block. */
  freeFailures: number;
  /** First block, ms; doubles with each further failure. */
  baseBlockMs: number;
  /** Longest block, ms. */
  maxBlockMs: number;
  /** Failures are forgotten this long after the last one, ms. */
  forgetMs: number;
}

export const DEFAULT_RULE: LimitRule = {
  burst: 30,
  perMinute: 60,
  freeFailures: 5,
  baseBlockMs: 1000,
  maxBlockMs: 15 * 60_000,
  forgetMs: 15 * 60_000,
};

interface KeyState {
  tokens: number;
  refilledAt: number;
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

export type LimitCheck = { ok: true } | { ok: false; retryAfterMs: number };

export interface GuessLimiter {
  /** Takes one attempt for every key; refused (nothing taken) if any key is blocked or out of attempts. */
  attempt(keys: readonly string[]): LimitCheck;
  /** The attempt failed (a wrong code, a bad signature): every key counts a failure. */
  failure(keys: readonly string[]): void;
  /** The attempt succeeded: these keys' failures are cleared. */
  success(keys: readonly string[]): void;
  /** Counters: attempts refused so far. */
  readonly stats: { refused: number };
}

export function createGuessLimiter(opts: { now: () => number; rules?: Record<string, Partial<LimitRule>>; maxKeys?: number }): GuessLimiter {
  const maxKeys = opts.maxKeys ?? 50_000;
  const keys = new Map<string, KeyState>();
  const stats = { refused: 0 };
  /** The rule for a key: by its prefix before the first `:` (e.g. `ip`), else the default. */
  const ruleOf = (key: string): LimitRule => {
    const prefix = key.slice(0, Math.max(0, key.indexOf(':')));
    return { ...DEFAULT_RULE, ...(opts.rules?.[prefix] ?? {}) };
  };
  const stateOf = (key: string, now: number): KeyState => {
    let s = keys.get(key);
    if (s) {
      keys.delete(key); // re-inserted below: Map order is the LRU order
    } else {
      s = { tokens: ruleOf(key).burst, refilledAt: now, failures: 0, lastFailureAt: 0, blockedUntil: 0 };
      if (keys.size >= maxKeys) keys.delete(keys.keys().next().value as string);
    }
    keys.set(key, s);
    const rule = ruleOf(key);
    s.tokens = Math.min(rule.burst, s.tokens + ((now - s.refilledAt) * rule.perMinute) / 60_000);
    s.refilledAt = now;
    if (s.failures > 0 && now - s.lastFailureAt > rule.forgetMs) s.failures = 0;
    return s;
  };

  return {
    stats,
    attempt(names) {
      const now = opts.now();
      const states = names.map((k) => stateOf(k, now));
      let wait = 0;
      states.forEach((s, i) => {
        const name = names[i] as string; // states is names mapped, index for index
        if (s.blockedUntil > now) wait = Math.max(wait, s.blockedUntil - now);
        else if (s.tokens < 1) wait = Math.max(wait, Math.ceil(((1 - s.tokens) * 60_000) / ruleOf(name).perMinute));
      });
      if (wait > 0) {
        stats.refused++;
        return { ok: false, retryAfterMs: wait };
      }
      for (const s of states) s.tokens -= 1;
      return { ok: true };
    },
    failure(names) {
      const now = opts.now();
      for (const k of names) {
        const s = stateOf(k, now);
        const rule = ruleOf(k);
        s.failures++;
        s.lastFailureAt = now;
        const over = s.failures - rule.freeFailures;
        if (over > 0) s.blockedUntil = now + Math.min(rule.maxBlockMs, rule.baseBlockMs * 2 ** Math.min(over - 1, 30));
      }
    },
    success(names) {
      for (const k of names) {
        const s = keys.get(k);
        if (s) {
          s.failures = 0;
          s.blockedUntil = 0;
        }
      }
    },
  };
}

/** "try again in 4 s" for a message. */
export function retryText(ms: number): string {
  return ms >= 60_000 ? `${Math.ceil(ms / 60_000)} min` : `${Math.max(1, Math.ceil(ms / 1000))} s`;
}
