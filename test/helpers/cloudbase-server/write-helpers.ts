/**
 * The write semantics shared by plain and transactional actions: replacing (`doc().set()`,
 * `merge: false`) versus merging (`update()`, `merge: true`, data made of update operators — see
 * `@cloudbase/database/dist/commonjs/serializer/update.js`, which flattens plain fields into
 * `$set` with dotted paths), and the document an upsert creates.
 */
import { invalidParam } from './errors';
import { type Doc, isPlainObject, sameValue } from './ejson';
import { checkDocument, checkFieldNames } from './document-rules';
import { checkUpdate } from './operators';
import { newId } from './params';
import { applyUpdate } from './query-engine';
import { checkUpdateAgainst } from './update-checks';

/** `set()` data: a whole new document body, no operators, `_id` left alone. */
export function checkReplacement(data: unknown): Doc {
  if (!isPlainObject(data)) throw invalidParam('set data must be an object');
  if ('_id' in data) throw invalidParam('set data must not contain _id');
  checkFieldNames(data, 'set data');
  return data;
}

export interface WriteSpec {
  merge: boolean;
  data: Doc;
}

export function writeSpec(data: unknown, merge: boolean): WriteSpec {
  return { merge, data: merge ? checkUpdate(data) : checkReplacement(data) };
}

/** The document after the write, or null if it would be unchanged. */
export function nextVersion(current: Doc, spec: WriteSpec, condition: Doc): Doc | null {
  if (spec.merge) checkUpdateAgainst(current, spec.data as Record<string, Record<string, unknown>>);
  const next = spec.merge ? applyUpdate(current, spec.data, condition) : { _id: current._id, ...spec.data };
  if (!next || sameValue(next, current)) return null;
  checkDocument(next, 'the updated document');
  return next;
}

/** What an upsert inserts: the query's equality fields (`_id` included), then the write. */
export function upsertDocument(query: Doc, spec: WriteSpec): Doc {
  const { _id: queried, ...equal } = equalityFields(query);
  const seed = Object.keys(equal).length ? (applyUpdate({}, { $set: equal }, {}) ?? {}) : {};
  const id = queried ?? newId();
  const doc = spec.merge ? (applyUpdate({ ...seed, _id: id }, spec.data, {}) ?? { ...seed, _id: id }) : { _id: id, ...spec.data };
  checkDocument(doc, 'the upserted document');
  return doc;
}

function equalityFields(query: Doc): Doc {
  const out: Doc = {};
  for (const [key, value] of Object.entries(query)) {
    if (key.startsWith('$')) continue;
    if (value instanceof RegExp) continue;
    if (!isPlainObject(value)) out[key] = value;
    else if ('$eq' in value && Object.keys(value).length === 1) out[key] = value.$eq;
  }
  return out;
}
