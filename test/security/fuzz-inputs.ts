/**
 * Inputs for the fuzz test: a seeded generator (mulberry32, so one seed replays a whole run) and
 * mutations of valid function events and device payloads.
 */
export interface Rng {
  seed: number;
  /** [0, 1). */
  next(): number;
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { seed, next, int, pick: (xs) => xs[int(xs.length)], chance: (p) => next() < p };
}

const nested = (depth: number, leaf: unknown): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};

/** Values of every JSON type and the edges that break naive code. */
export function oddValue(r: Rng): unknown {
  switch (r.int(22)) {
    case 0:
      return null;
    case 1:
      return true;
    case 2:
      return -1;
    case 3:
      return 0;
    case 4:
      return 1e308;
    case 5:
      return -1e308;
    case 6:
      return 2 ** 53 + 1;
    case 7:
      return 0.1 + 0.2;
    case 8:
      return '';
    case 9:
      return 'x'.repeat(r.pick([33, 65, 257, 5000, 70_000]));
    case 10:
      return '💥\u0000\uFFFF\uD800';
    case 11:
      return 'NaN';
    case 12:
      return '2026-13-45';
    case 13:
      return [];
    case 14:
      return [1, 'a', null, {}];
    case 15:
      return {};
    case 16:
      return { $where: 'sleep(1000)', $gt: '' };
    case 17:
      return JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"x": 1}}}');
    case 18:
      return nested(r.int(70), 1);
    case 19:
      return Array.from({ length: r.int(2000) }, (_, i) => i);
    case 20:
      return '../../etc/passwd';
    default:
      return `p_${r.int(1e6).toString(16)}`;
  }
}

/** A mutated copy of a valid event: fields dropped, replaced, added, renamed, or the action changed. */
export function mutateEvent(r: Rng, event: Record<string, unknown>, actions: readonly string[]): unknown {
  if (r.chance(0.05)) return oddValue(r); // not even an object
  const e: Record<string, unknown> = { ...event };
  const keys = Object.keys(e);
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const k = keys.length ? r.pick(keys) : 'action';
    switch (r.int(6)) {
      case 0:
        delete e[k];
        break;
      case 1:
        e[k] = oddValue(r);
        break;
      case 2:
        e[r.pick(['extra', 'action', 'code', 'patientId', 'deviceId', 'userId', 'from', 'to', 'settings', '__proto__', 'constructor', 'limit', 'before'])] =
          oddValue(r);
        break;
      case 3:
        e.action = r.pick(actions);
        break;
      case 4:
        e.action = oddValue(r);
        break;
      default:
        if (typeof e[k] === 'number') e[k] = (e[k] as number) * r.pick([-1, 1000, 1e-9]);
        else e[k] = oddValue(r);
    }
  }
  return e;
}

/** A body that is not the event: broken JSON, another type, or nothing. */
export function oddBody(r: Rng, valid: string): string {
  switch (r.int(8)) {
    case 0:
      return valid.slice(0, r.int(valid.length));
    case 1:
      return '';
    case 2:
      return `${valid}}`;
    case 3:
      return '[]';
    case 4:
      return 'null';
    case 5:
      return `${'{"a":'.repeat(r.pick([10, 65, 2000]))}1${'}'.repeat(r.pick([0, 10, 2000]))}`;
    case 6:
      return Buffer.from(Array.from({ length: r.int(300) }, () => r.int(256))).toString('latin1');
    default:
      return valid.replace(/[:,{]/, r.pick(['', ';', '\u0000']));
  }
}

/** A mutated device payload: valid JSON with odd values, flipped bytes, truncation, or garbage. */
export function mutatePayload(r: Rng, valid: string): string | Buffer {
  switch (r.int(7)) {
    case 0: {
      const b = Buffer.from(valid);
      for (let i = 0; i < 1 + r.int(4); i++) b[r.int(b.length)] = r.int(256);
      return b;
    }
    case 1:
      return valid.slice(0, r.int(valid.length));
    case 2:
      return Buffer.from(Array.from({ length: r.int(2000) }, () => r.int(256)));
    case 3: {
      const obj = JSON.parse(valid) as Record<string, unknown>;
      const params = (obj.params ?? {}) as Record<string, unknown>;
      params[r.pick(['HeartRate', 'SpO2', 'BodyTemperature', 'MeasureInterval', 'Unknown', '__proto__', 'a.b'])] = r.chance(0.5)
        ? oddValue(r)
        : { value: oddValue(r), time: oddValue(r) };
      obj.params = r.chance(0.1) ? oddValue(r) : params;
      if (r.chance(0.2)) obj.id = oddValue(r);
      if (r.chance(0.1)) obj.method = oddValue(r);
      return JSON.stringify(obj);
    }
    case 4:
      return JSON.stringify(oddValue(r));
    case 5: {
      const depth = r.pick([10, 64, 200, 5000]);
      return `{"id":"1","params":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    }
    default:
      return valid;
  }
}
