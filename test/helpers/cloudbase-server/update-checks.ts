/**
 * Update errors MongoDB raises (and CloudBase passes on) that mingo silently skips: `$inc` on a
 * string leaves it unchanged in mingo but fails on CloudBase, so an adapter bug would pass here.
 * Checked on the current document before mingo applies the update:
 * - `$inc`/`$mul` need a number there (MongoDB: "Cannot apply $inc to a value of non-numeric type");
 * - `$push`/`$addToSet`/`$pop`/`$pull`/`$pullAll` need an array ("… must be an array");
 * - `$bit` needs an integer;
 * - a path cannot go through a scalar, null or an array with a non-numeric segment when it
 *   creates or changes a value ("Cannot create field 'b' in element {a: 1}").
 * Paths with positional segments (`$`, `$[]`, `$[x]`) are left to mingo.
 */
import { requestFailed } from './errors';
import { type Doc, isPlainObject } from './ejson';

type Found = { kind: 'value'; value: unknown } | { kind: 'missing' } | { kind: 'blocked'; field: string; holder: unknown };

const CREATES = new Set(['$set', '$inc', '$mul', '$push', '$addToSet', '$max', '$min', '$bit']);
const NUMERIC = new Set(['$inc', '$mul']);
const ARRAY = new Set(['$push', '$addToSet', '$pop', '$pull', '$pullAll']);

export function checkUpdateAgainst(doc: Doc, update: Record<string, Record<string, unknown>>): void {
  for (const [op, fields] of Object.entries(update)) {
    for (const [path, operand] of Object.entries(fields)) {
      if (path.split('.').some((s) => s.startsWith('$'))) continue;
      checkOne(op, path, operand, resolve(doc, path.split('.')));
      if (op === '$rename' && typeof operand === 'string') checkOne('$set', operand, undefined, resolve(doc, operand.split('.')));
    }
  }
}

function checkOne(op: string, path: string, operand: unknown, found: Found): void {
  if (NUMERIC.has(op) && typeof operand !== 'number')
    throw requestFailed(`Cannot ${op.slice(1)} with non-numeric argument: {${path}: ${JSON.stringify(operand)}}`);
  if (found.kind === 'blocked') {
    if (CREATES.has(op)) throw requestFailed(`Cannot create field '${found.field}' in element ${describe(found.holder)} (path '${path}')`);
    return;
  }
  if (found.kind === 'missing') return;
  const v = found.value;
  if (NUMERIC.has(op) && typeof v !== 'number') throw requestFailed(`Cannot apply ${op} to a value of non-numeric type (field '${path}' is ${describe(v)})`);
  if (ARRAY.has(op) && !Array.isArray(v)) throw requestFailed(`Cannot apply ${op} to a non-array value (field '${path}' is ${describe(v)})`);
  if (op === '$bit' && !Number.isInteger(v)) throw requestFailed(`Cannot apply $bit to a value of non-integral type (field '${path}')`);
}

function resolve(doc: unknown, segments: string[]): Found {
  let here: unknown = doc;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (isPlainObject(here)) {
      if (!(s in here)) return { kind: 'missing' };
      here = here[s];
    } else if (Array.isArray(here) && /^\d+$/.test(s)) {
      if (Number(s) >= here.length) return { kind: 'missing' };
      here = here[Number(s)];
    } else return { kind: 'blocked', field: s, holder: here };
  }
  return { kind: 'value', value: here };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a date';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}
