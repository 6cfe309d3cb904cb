/**
 * Reading the parameters of one `/admin` database action. The SDK builds them in
 * `@cloudbase/database/dist/commonjs/{collection,query,document,aggregate}.js`: `query`, `data`,
 * `order` and `projection` are EJSON strings, `offset`/`limit` numbers, `multi`/`merge`/`upsert`
 * booleans, `queryType` 'WHERE' or 'DOC'. Limits follow CloudBase: `get()` returns 100 documents
 * unless told otherwise and never more than 1000 per call (platform-facts.md; `query.js` `get()`
 * clamps `limit` the same way on the client, the server must too for other clients).
 */
import { randomBytes } from 'node:crypto';
import { invalidParam } from './errors';
import { type Doc, isPlainObject, parseEjson } from './ejson';
import { checkId } from './document-rules';
import { checkProjection, checkQuery } from './operators';

export type Params = Record<string, unknown>;

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export function queryParam(p: Params, now: number): Doc {
  if (p.query === undefined || p.query === '') return {};
  const query = parseEjson(p.query, 'query', now);
  checkQuery(query);
  return query as Doc;
}

export function dataParam(p: Params, now: number): unknown {
  if (p.data === undefined) throw invalidParam('data is required');
  return parseEjson(p.data, 'data', now);
}

export function orderParam(p: Params, now: number): Record<string, 1 | -1> | undefined {
  if (p.order === undefined) return undefined;
  const order = parseEjson(p.order, 'order', now);
  if (!isPlainObject(order)) throw invalidParam('order must be an object');
  for (const [field, dir] of Object.entries(order)) {
    if (dir !== 1 && dir !== -1) throw invalidParam(`order of '${field}' must be 1 or -1`);
  }
  return order as Record<string, 1 | -1>;
}

export function projectionParam(p: Params, now: number): Doc | undefined {
  if (p.projection === undefined) return undefined;
  const projection = parseEjson(p.projection, 'projection', now);
  checkProjection(projection);
  return projection as Doc;
}

export function offsetParam(p: Params): number {
  if (p.offset === undefined) return 0;
  if (!Number.isInteger(p.offset) || (p.offset as number) < 0) throw invalidParam('offset must be a non-negative integer');
  return p.offset as number;
}

/** The number of documents one read may return: default 100, at most 1000 whatever was asked. */
export function limitParam(p: Params): number {
  if (p.limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(p.limit) || (p.limit as number) < 1) throw invalidParam('limit must be a positive integer');
  return Math.min(p.limit as number, MAX_LIMIT);
}

export function boolParam(p: Params, name: string, fallback: boolean): boolean {
  const v = p[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw invalidParam(`${name} must be a boolean`);
  return v;
}

/** `data` of `database.insertDocument`: an array of EJSON strings, one per document. */
export function documentsParam(p: Params, now: number): Doc[] {
  const list = p.data;
  if (!Array.isArray(list) || list.length === 0) throw invalidParam('data must be a non-empty array of EJSON documents');
  return list.map((text, i) => {
    const doc = parseEjson(text, `data[${i}]`, now);
    if (!isPlainObject(doc)) throw invalidParam(`data[${i}] must be an object`);
    return withId(doc);
  });
}

/** CloudBase's generated ids are 32 hex characters. */
export const newId = (): string => randomBytes(16).toString('hex');

function withId(doc: Doc): Doc {
  if (doc._id === undefined) return { _id: newId(), ...doc };
  checkId(doc._id);
  return doc;
}

/** The `_id` of a `queryType: 'DOC'` request (`document.js` sends `query: {_id}`). */
export function docIdParam(p: Params, now: number): unknown {
  if (p.queryType !== 'DOC') throw invalidParam("queryType must be 'DOC'");
  const query = parseEjson(p.query, 'query', now);
  if (!isPlainObject(query) || Object.keys(query).length !== 1 || !('_id' in query)) throw invalidParam('a DOC query must be exactly {_id}');
  checkId(query._id);
  return query._id;
}
