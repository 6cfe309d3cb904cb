/**
 * Extended JSON as it travels between `@cloudbase/database` and CloudBase.
 *
 * The SDK serialises queries, data, orders, projections and aggregate stages with
 * `bson.EJSON.stringify(x, { relaxed: false })` (`@cloudbase/database/dist/commonjs/utils/utils.js`
 * `stringifyByEJSON`), i.e. canonical EJSON: `{"$numberInt":"1"}`, `{"$numberDouble":"1.5"}`,
 * `{"$date":{"$numberLong":"…"}}`, `{"$regularExpression":{…}}`. `db.serverDate()` becomes
 * `{"$tcb_server_date":{"offset":n}}` (`serverDate/index.js`), which the server resolves to its
 * own clock. It parses what comes back with `EJSON.parse` (relaxed), so answers here are canonical
 * EJSON too, as the CloudBase NoSQL HTTP API documents ("响应均为 Strict EJSON 格式").
 *
 * Own small codec rather than the `bson` package: `bson` is only a transitive dependency here, and
 * this way every type the stand-in does not emulate (ObjectId, Decimal128, Binary, Timestamp …) is
 * refused with a clear error instead of being stored as something mingo cannot compare.
 */
import { invalidParam, notEmulated } from './errors';

export type Doc = Record<string, unknown>;

const NOT_EMULATED_WRAPPERS = [
  '$oid',
  '$binary',
  '$uuid',
  '$timestamp',
  '$minKey',
  '$maxKey',
  '$numberDecimal',
  '$symbol',
  '$code',
  '$dbPointer',
  '$dbRef',
  '$undefined',
];

export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Parses one EJSON string parameter into plain JS values (numbers, Dates, RegExps …). */
export function parseEjson(text: unknown, what: string, now: number): unknown {
  if (typeof text !== 'string') throw invalidParam(`${what} must be an EJSON string`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalidParam(`${what} is not valid EJSON`);
  }
  return decodeEjson(raw, now);
}

export function decodeEjson(v: unknown, now: number): unknown {
  if (Array.isArray(v)) return v.map((x) => decodeEjson(x, now));
  if (!isPlainObject(v)) return v;
  const keys = Object.keys(v);
  if (keys.length === 1) {
    const wrapped = decodeWrapper(keys[0], v[keys[0]], now);
    if (wrapped !== NOT_A_WRAPPER) return wrapped;
  }
  const out: Doc = {};
  for (const k of keys) out[k] = decodeEjson(v[k], now);
  return out;
}

const NOT_A_WRAPPER = Symbol('not an EJSON wrapper');

function decodeWrapper(key: string, value: unknown, now: number): unknown {
  switch (key) {
    case '$numberInt':
    case '$numberDouble':
    case '$numberLong':
      return decodeNumber(key, value);
    case '$date':
      return decodeDate(value);
    case '$regularExpression':
      return decodeRegExp(value);
    case '$tcb_server_date':
      return decodeServerDate(value, now);
    default:
      if (NOT_EMULATED_WRAPPERS.includes(key)) throw notEmulated(`the EJSON type ${key}`);
      return NOT_A_WRAPPER;
  }
}

function decodeNumber(key: string, value: unknown): number {
  if (typeof value !== 'string') throw invalidParam(`${key} must hold a string`);
  const n = value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : value === 'NaN' ? NaN : Number(value);
  if (Number.isNaN(n) && value !== 'NaN') throw invalidParam(`${key} holds '${value}', not a number`);
  if (key === '$numberLong' && !Number.isSafeInteger(n)) throw notEmulated(`a 64-bit integer outside JavaScript's safe range (${value})`);
  return n;
}

function decodeDate(value: unknown): Date {
  let ms: number;
  if (typeof value === 'string') ms = Date.parse(value);
  else if (typeof value === 'number') ms = value;
  else if (isPlainObject(value) && typeof value.$numberLong === 'string') ms = Number(value.$numberLong);
  else throw invalidParam('$date must hold an ISO string or {$numberLong}');
  if (!Number.isFinite(ms)) throw invalidParam('$date is not a valid date');
  return new Date(ms);
}

function decodeRegExp(value: unknown): RegExp {
  if (!isPlainObject(value) || typeof value.pattern !== 'string') throw invalidParam('$regularExpression needs a pattern');
  const options = typeof value.options === 'string' ? value.options : '';
  // BSON regex options i, m, s, u carry over to JS; x (extended) and l (locale) have no JS equivalent.
  const unsupported = options.replace(/[imsu]/g, '');
  if (unsupported) throw notEmulated(`regular expression options '${unsupported}'`);
  try {
    return new RegExp(value.pattern, options);
  } catch {
    throw invalidParam(`invalid regular expression /${value.pattern}/`);
  }
}

function decodeServerDate(value: unknown, now: number): Date {
  const offset = isPlainObject(value) ? Number(decodeEjson(value.offset ?? 0, now)) : NaN;
  if (!Number.isFinite(offset)) throw invalidParam('$tcb_server_date needs a numeric offset');
  return new Date(now + offset);
}

/** Canonical EJSON of a stored value (what `EJSON.stringify(v, { relaxed: false })` would give). */
export function encodeEjson(v: unknown): unknown {
  if (typeof v === 'number') return encodeNumber(v);
  if (v instanceof Date) return { $date: { $numberLong: String(v.getTime()) } };
  if (v instanceof RegExp) return { $regularExpression: { pattern: v.source, options: [...v.flags].sort().join('') } };
  if (Array.isArray(v)) return v.map(encodeEjson);
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encodeEjson(x);
    return out;
  }
  return v;
}

function encodeNumber(n: number): unknown {
  if (Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 && !Object.is(n, -0)) return { $numberInt: String(n) };
  if (Number.isSafeInteger(n)) return { $numberLong: String(n) };
  if (Number.isNaN(n)) return { $numberDouble: 'NaN' };
  if (!Number.isFinite(n)) return { $numberDouble: n > 0 ? 'Infinity' : '-Infinity' };
  return { $numberDouble: Object.is(n, -0) ? '-0.0' : String(n) };
}

export const stringifyEjson = (v: unknown): string => JSON.stringify(encodeEjson(v));

export function deepClone<T>(v: T): T {
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (v instanceof RegExp) return new RegExp(v.source, v.flags) as T;
  if (Array.isArray(v)) return v.map(deepClone) as T;
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const [k, x] of Object.entries(v)) out[k] = deepClone(x);
    return out as T;
  }
  return v;
}

/** Deep equality as BSON sees it: same types, same values, same key order. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof RegExp || b instanceof RegExp) return a instanceof RegExp && b instanceof RegExp && String(a) === String(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameValue(a[k], b[k]));
  }
  return Object.is(a, b);
}
