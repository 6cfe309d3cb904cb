/**
 * Transactions, in the two shapes the SDK has used.
 *
 * `@cloudbase/database` 1.4.3 (`transaction/index.js`, what `db.startTransaction()` and
 * `db.runTransaction()` use): start/commit/abort actions, and in between the ordinary document
 * actions carrying `transactionId` — `transaction.collection(c).doc(id).get()/set()/update()/remove()`
 * and `.add(oneDocument)`. Its `get()` answers `data` as one document or null (document.js).
 *
 * The older `transaction.js` API (still shipped, no longer exported): `getInTransaction`,
 * `updateDocInTransaction`, `deleteDocInTransaction`, whose answers are EJSON strings at the top
 * level (`data`, `updated`, `upserted`, `deleted`).
 *
 * Only single-document operations exist (docs.cloudbase.net/database/transaction; WeChat's
 * runTransaction docs: "只允许进行单记录操作，不允许进行批量操作"): a query, count, aggregate,
 * multi-document write or updateAndReturn carrying a transactionId is refused. Beware that
 * `where().update()`, `where().remove()` and `count()` never send the transactionId at all
 * (query.js), so on real CloudBase they silently run outside the transaction.
 */
import { duplicateWrite, invalidOperator } from './errors';
import { type Doc, isPlainObject, parseEjson, stringifyEjson } from './ejson';
import { checkDocument, checkId } from './document-rules';
import { type Params, boolParam, dataParam, docIdParam, documentsParam, projectionParam } from './params';
import { find } from './query-engine';
import type { ActionContext, ActionResult, ActionHandler } from './context';
import type { Transaction } from './transactions';
import { nextVersion, writeSpec } from './write-helpers';

const refuse = (what: string) => invalidOperator(`${what} inside a transaction`, 'transactions (only single-document operations by _id are allowed)');

export function startTransaction(_p: Params, ctx: ActionContext): ActionResult {
  return { transactionId: ctx.txns.start().id };
}

export function commitTransaction(p: Params, ctx: ActionContext): ActionResult {
  ctx.counters.docsWritten += ctx.txns.commit(ctx.txns.get(p.transactionId));
  return {};
}

export function abortTransaction(p: Params, ctx: ActionContext): ActionResult {
  ctx.txns.abort(ctx.txns.get(p.transactionId));
  return {};
}

// ---- the 1.4.3 shape: ordinary actions with a transactionId -------------------------------------

export function getInTransactionByDoc(p: Params, ctx: ActionContext): ActionResult {
  if (p.queryType !== 'DOC') throw refuse('a query (where().get())');
  const { t, c, id } = target(p, ctx);
  const doc = ctx.txns.read(t, c, id);
  const projected = doc ? find([doc], {}, { offset: 0, limit: 1, projection: projectionParam(p, ctx.now) }) : [];
  ctx.counters.docsRead += projected.length;
  return { data: { list: projected.map(stringifyEjson) } };
}

export function insertInTransaction(p: Params, ctx: ActionContext): ActionResult {
  const t = ctx.txns.get(p.transactionId);
  const c = ctx.db.collection(p.collectionName);
  const docs = documentsParam(p, ctx.now);
  if (docs.length !== 1) throw refuse('adding several documents');
  const doc = docs[0];
  checkDocument(doc, 'the inserted document');
  if (ctx.txns.read(t, c, doc._id)) throw duplicateWrite(c.name, doc._id);
  ctx.txns.write(t, c, doc._id, doc);
  return { data: { insertedIds: [doc._id] } };
}

export function modifyInTransaction(p: Params, ctx: ActionContext): ActionResult {
  if (p.queryType !== 'DOC' || boolParam(p, 'multi', false)) throw refuse('a query or multi-document update');
  const { t, c, id } = target(p, ctx);
  const spec = writeSpec(dataParam(p, ctx.now), boolParam(p, 'merge', true));
  return { data: writeOne(ctx, t, c, id, spec, boolParam(p, 'upsert', false)) };
}

export function removeInTransaction(p: Params, ctx: ActionContext): ActionResult {
  if (p.queryType !== 'DOC' || boolParam(p, 'multi', false)) throw refuse('a query or multi-document remove');
  const { t, c, id } = target(p, ctx);
  return { data: { deleted: deleteOne(ctx, t, c, id) } };
}

/** Actions that have no single-document form, refused whenever they carry a transactionId. */
export const refusedInTransaction =
  (what: string): ActionHandler =>
  () => {
    throw refuse(what);
  };

// ---- the older transaction.js shape -------------------------------------------------------------

export function getInTransaction(p: Params, ctx: ActionContext): ActionResult {
  const { t, c, id } = targetById(p, ctx);
  const doc = ctx.txns.read(t, c, id);
  if (doc) ctx.counters.docsRead++;
  return { data: stringifyEjson(doc) };
}

/** `transaction.set()` sends a whole document with `upsert: true`; `update()` sends `{$set: data}`. */
export function updateDocInTransaction(p: Params, ctx: ActionContext): ActionResult {
  const { t, c, id } = targetById(p, ctx);
  const data = parseEjson(p.data, 'data', ctx.now);
  const merge = isPlainObject(data) && Object.keys(data).some((k) => k.startsWith('$'));
  const result = writeOne(ctx, t, c, id, writeSpec(data, merge), boolParam(p, 'upsert', false));
  return {
    updated: stringifyEjson(result.updated),
    ...(result.upsert_id !== undefined ? { upserted: JSON.stringify([{ _id: result.upsert_id }]) } : {}),
  };
}

export function deleteDocInTransaction(p: Params, ctx: ActionContext): ActionResult {
  const { t, c, id } = targetById(p, ctx);
  return { deleted: stringifyEjson(deleteOne(ctx, t, c, id)) };
}

// ---- shared -------------------------------------------------------------------------------------

function target(p: Params, ctx: ActionContext) {
  const t = ctx.txns.get(p.transactionId);
  return { t, c: ctx.db.collection(p.collectionName), id: docIdParam(p, ctx.now) };
}

function targetById(p: Params, ctx: ActionContext) {
  const t = ctx.txns.get(p.transactionId);
  const id = p._id;
  checkId(id);
  return { t, c: ctx.db.collection(p.collectionName), id };
}

type Coll = ReturnType<ActionContext['db']['collection']>;

function writeOne(ctx: ActionContext, t: Transaction, c: Coll, id: unknown, spec: ReturnType<typeof writeSpec>, upsert: boolean) {
  const current = ctx.txns.read(t, c, id);
  if (!current && !upsert) return { updated: 0 };
  const base: Doc = current ?? { _id: id };
  const next = current ? nextVersion(current, spec, { _id: id }) : (nextVersion(base, spec, { _id: id }) ?? base);
  if (!next) return { updated: 0 };
  ctx.txns.write(t, c, id, next);
  return current ? { updated: 1 } : { updated: 0, upsert_id: id };
}

function deleteOne(ctx: ActionContext, t: Transaction, c: Coll, id: unknown): number {
  if (!ctx.txns.read(t, c, id)) return 0;
  ctx.txns.write(t, c, id, null);
  return 1;
}
