/**
 * The non-transactional database actions and the answers `@cloudbase/database` 1.4.3 expects:
 * - insertDocument → `data.insertedIds` (collection.js `add()` → `id` / `ids`)
 * - getDocument → `data.list`, EJSON strings (query.js / document.js `get()` → `data` array)
 * - calculateDocument → `data.total` (query.js `count()`)
 * - modifyDocument → `data.updated`, `data.upsert_id` (document.js `set()` → `updated`/`upsertedId`)
 * - removeDocument → `data.deleted`
 * - modifyAndReturnDoc → `data.updated`, `data.doc` as an EJSON string (query.js `updateAndReturn()`)
 * - aggregateDocuments → `data.list` (aggregate.js `end()`)
 * A request carrying a `transactionId` goes to transaction-actions.ts instead.
 */
import { invalidParam } from './errors';
import { type Doc, isPlainObject, parseEjson, stringifyEjson } from './ejson';
import { checkDocument } from './document-rules';
import { checkPipeline } from './operators';
import { type Params, boolParam, dataParam, documentsParam, limitParam, offsetParam, orderParam, projectionParam, queryParam } from './params';
import { find, matches } from './query-engine';
import { runPipeline } from './pipeline';
import type { ActionContext, ActionResult } from './context';
import { nextVersion, upsertDocument, writeSpec } from './write-helpers';

/** CloudBase answers 20 aggregate results unless the pipeline has its own `$limit` (platform-facts.md). */
export const AGGREGATE_DEFAULT_LIMIT = 20;

export function addCollection(p: Params, ctx: ActionContext): ActionResult {
  ctx.db.create(p.collectionName as string);
  return {};
}

/** Ordered like MongoDB's insertMany: documents before a duplicate `_id` stay inserted. */
export function insertDocuments(p: Params, ctx: ActionContext): ActionResult {
  const c = ctx.db.collection(p.collectionName);
  const docs = documentsParam(p, ctx.now);
  docs.forEach((d) => checkDocument(d, 'the inserted document'));
  for (const doc of docs) {
    ctx.db.insert(c, doc);
    ctx.counters.docsWritten++;
  }
  return { data: { insertedIds: docs.map((d) => d._id) } };
}

export function getDocuments(p: Params, ctx: ActionContext): ActionResult {
  const c = ctx.db.collection(p.collectionName);
  const query = queryParam(p, ctx.now);
  const docs = find(c.candidates(query), query, {
    order: orderParam(p, ctx.now),
    offset: offsetParam(p),
    limit: limitParam(p),
    projection: projectionParam(p, ctx.now),
  });
  ctx.counters.docsRead += docs.length;
  return { data: { list: docs.map(stringifyEjson) } };
}

export function countDocuments(p: Params, ctx: ActionContext): ActionResult {
  const c = ctx.db.collection(p.collectionName);
  const query = queryParam(p, ctx.now);
  return { data: { total: matches(c.candidates(query), query).length } };
}

export function modifyDocuments(p: Params, ctx: ActionContext): ActionResult {
  const c = ctx.db.collection(p.collectionName);
  const query = queryParam(p, ctx.now);
  const spec = writeSpec(dataParam(p, ctx.now), boolParam(p, 'merge', true));
  const found = matches(c.candidates(query), query);
  const targets = boolParam(p, 'multi', false) ? found : found.slice(0, 1);
  let updated = 0;
  for (const doc of targets) {
    const next = nextVersion(doc, spec, query);
    if (!next) continue;
    ctx.db.replace(c, next);
    updated++;
  }
  ctx.counters.docsWritten += updated;
  if (found.length > 0 || !boolParam(p, 'upsert', false)) return { data: { updated } };
  const created = upsertDocument(query, spec);
  ctx.db.insert(c, created);
  ctx.counters.docsWritten++;
  return { data: { updated, upsert_id: created._id } };
}

export function removeDocuments(p: Params, ctx: ActionContext): ActionResult {
  const c = ctx.db.collection(p.collectionName);
  const query = queryParam(p, ctx.now);
  const found = matches(c.candidates(query), query);
  const targets = boolParam(p, 'multi', false) ? found : found.slice(0, 1);
  for (const doc of targets) ctx.db.remove(c, doc._id);
  ctx.counters.docsWritten += targets.length;
  return { data: { deleted: targets.length } };
}

/** Atomic on one document (requests are handled one at a time); answers the document after the update. */
export function modifyAndReturn(p: Params, ctx: ActionContext): ActionResult {
  const c = ctx.db.collection(p.collectionName);
  const query = queryParam(p, ctx.now);
  const spec = writeSpec(dataParam(p, ctx.now), true);
  const target = matches(c.candidates(query), query)[0];
  if (!target) return { data: { updated: 0, doc: null } };
  const next = nextVersion(target, spec, query);
  if (next) {
    ctx.db.replace(c, next);
    ctx.counters.docsWritten++;
  }
  ctx.counters.docsRead++;
  return { data: { updated: next ? 1 : 0, doc: stringifyEjson(next ?? target) } };
}

export function aggregateDocuments(p: Params, ctx: ActionContext): ActionResult {
  const c = ctx.db.collection(p.collectionName);
  const pipeline = stagesParam(p, ctx.now);
  checkPipeline(pipeline);
  const limited = pipeline.some((s) => '$limit' in s) ? pipeline : [...pipeline, { $limit: AGGREGATE_DEFAULT_LIMIT }];
  const out = runPipeline(c.list(), limited, (name) => ctx.db.find(name)?.list() ?? []);
  ctx.counters.docsRead += out.length;
  return { data: { list: out.map(stringifyEjson) } };
}

/** aggregate.js `_pipe()`: `[{ stageKey: '$match', stageValue: '<EJSON or JSON text>' }, …]`. */
function stagesParam(p: Params, now: number): Doc[] {
  if (!Array.isArray(p.stages)) throw invalidParam('stages must be an array');
  return p.stages.map((s, i) => {
    if (!isPlainObject(s) || typeof s.stageKey !== 'string') throw invalidParam(`stages[${i}] needs a stageKey`);
    return { [s.stageKey]: parseEjson(s.stageValue, `stages[${i}].stageValue`, now) };
  });
}
