/**
 * The broker's persistence (aedes-persistence's in-memory store with retained messages in a topic
 * tree, local-cloud/broker/retained.ts) against aedes-persistence's own contract suite
 * (`aedes-persistence/abstract.js`, written for node:test: `t.assert`, `t.plan`, `t.diagnostic`,
 * adapted here to Jest), then the MQTT §4.7 matching rules the suite does not cover.
 */
import assert from 'node:assert';
import { createBrokerPersistence, createRetainedIndex, type RetainedPacket } from '../../local-cloud/broker/retained';

// aedes-persistence/abstract.js is CommonJS without type definitions.
const abstractPersistence: (opts: { test: unknown; persistence: () => unknown }) => void = require('aedes-persistence/abstract.js');

interface NodeTestContext {
  assert: typeof assert;
  plan(n: number): void;
  diagnostic(message: string): void;
}

/** node:test's `test(name, fn)` on Jest: assertions are counted and checked against `t.plan`. */
function nodeTestOnJest(name: string, fn: (t: NodeTestContext) => Promise<void>): void {
  test(`aedes-persistence contract: ${name}`, async () => {
    let planned: number | undefined;
    let made = 0;
    const counted = new Proxy(assert, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          made++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    await fn({ assert: counted, plan: (n) => void (planned = n), diagnostic: () => undefined });
    if (planned !== undefined) expect(made).toBe(planned);
  });
}

describe('broker persistence', () => {
  abstractPersistence({ test: nodeTestOnJest, persistence: createBrokerPersistence });
});

describe('retained index (MQTT 3.1.1 §4.7)', () => {
  const packet = (topic: string, payload = 'x'): RetainedPacket => ({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: true });
  const topicsOf = (index: ReturnType<typeof createRetainedIndex>, filters: string[]) => [...index.match(filters)].map((p) => p.topic).sort();
  const index = createRetainedIndex();
  for (const t of ['sport', 'sport/tennis', 'sport/tennis/player1', 'sport/chess', '/finance', '$SYS/broker/load', 'a/b/c/d']) index.store(packet(t));

  test('"#" matches the parent level and everything below; "+" exactly one level', () => {
    expect(topicsOf(index, ['sport/#'])).toEqual(['sport', 'sport/chess', 'sport/tennis', 'sport/tennis/player1']);
    expect(topicsOf(index, ['sport/+'])).toEqual(['sport/chess', 'sport/tennis']);
    expect(topicsOf(index, ['+/tennis/#'])).toEqual(['sport/tennis', 'sport/tennis/player1']);
    expect(topicsOf(index, ['+/+'])).toEqual(['/finance', 'sport/chess', 'sport/tennis']);
    expect(topicsOf(index, ['a/+/c/d', 'a/b/+/+', 'a/b/c/d'])).toEqual(['a/b/c/d']); // each message once
  });

  test('a filter starting with a wildcard does not match topics starting with "$" (§4.7.2)', () => {
    expect(topicsOf(index, ['#'])).not.toContain('$SYS/broker/load');
    expect(topicsOf(index, ['+/broker/+'])).toEqual([]);
    expect(topicsOf(index, ['$SYS/#'])).toEqual(['$SYS/broker/load']);
  });

  test('an empty payload removes the message and prunes its branch; a new one replaces the old', () => {
    const i = createRetainedIndex();
    i.store(packet('x/y/z', 'one'));
    i.store(packet('x/y/z', 'two'));
    expect([...i.match(['x/#'])].map((p) => p.payload.toString())).toEqual(['two']);
    expect(i.size()).toBe(1);
    i.store(packet('x/y/z', ''));
    expect(i.size()).toBe(0);
    expect(topicsOf(i, ['#'])).toEqual([]);
    i.store(packet('x/y/gone', '')); // removing what is not there is harmless
    expect(i.size()).toBe(0);
  });

  test('matches the same topics as testing every retained topic against the filter', () => {
    // Every filter over a small alphabet of levels, against every topic of up to three levels.
    const levels = ['a', 'b', ''];
    const topics: string[] = [];
    const grow = (prefix: string[]) => {
      if (prefix.length > 0) topics.push(prefix.join('/'));
      if (prefix.length < 3) for (const l of levels) grow([...prefix, l]);
    };
    grow([]);
    const i = createRetainedIndex();
    for (const t of topics) i.store(packet(t));
    const naive = (filter: string, topic: string): boolean => {
      const f = filter.split('/');
      const t = topic.split('/');
      for (let k = 0; k < f.length; k++) {
        if (f[k] === '#') return true;
        if (k >= t.length || (f[k] !== '+' && f[k] !== t[k])) return false;
      }
      return f.length === t.length;
    };
    const filters: string[] = [];
    const growFilter = (prefix: string[]) => {
      if (prefix.length > 0) filters.push(prefix.join('/'));
      if (prefix.length < 3 && prefix.at(-1) !== '#') for (const l of [...levels, '+', '#']) growFilter([...prefix, l]);
    };
    growFilter([]);
    for (const f of filters) expect([f, topicsOf(i, [f])]).toEqual([f, topics.filter((t) => naive(f, t)).sort()]);
  });
});
