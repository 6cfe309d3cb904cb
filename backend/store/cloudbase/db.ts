/**
 * The thin layer between the CloudBase adapter and `@cloudbase/node-sdk`'s database: collection
 * names, error recognition, paging past the 1000-document cap, and upserts the SDK does not offer.
 *
 * CloudBase facts this relies on (docs.cloudbase.net, "数据库 / 查询数据", "事务", "配额"):
 * - `get()` returns at most 1000 documents from a server SDK (100 without `limit`), so every list
 *   is read page by page with a cursor and never trusted to be complete after one call;
 * - a write to a collection that does not exist fails (`DATABASE_COLLECTION_NOT_EXIST`): the
 *   adapter creates its collections on first use (`createCollection` is allowed with admin keys);
 * - transactions hold single-document operations only; `runTransaction` retries on
 *   `DATABASE_TRANSACTION_CONFLICT`.
 */
import tcb from '@cloudbase/node-sdk';
import type { Db } from '@cloudbase/database';
import type { CloudbaseStoreOptions } from './options';

/** Collection names (before the prefix). docs/cloudbase.md lists their fields and indexes. */
export const COLLECTIONS = [
  'devices',
  'readings',
  'rejections',
  'users',
  'sessions',
  'patients',
  'members',
  'invites',
  'bindings',
  'device_state',
  'audit',
  'command_replies',
  'alert_rules',
  'alert_rule_changes',
  'alert_conditions',
  'alerts',
  'alert_snoozes',
  'subscribe_quota',
  'client_ids',
] as const;
export type CollectionName = (typeof COLLECTIONS)[number];

/** Largest page a server-side `get()` returns. */
export const PAGE = 1000;

export type Doc = Record<string, unknown> & { _id?: string };

/** A CloudBase error as the SDK throws or returns it. */
interface TcbErrorLike {
  code?: string;
  message?: string;
}

function codeOf(e: unknown): string {
  const x = e as TcbErrorLike | undefined;
  return `${x?.code ?? ''} ${x?.message ?? ''}`;
}

export const isNotExist = (e: unknown): boolean => /COLLECTION_NOT_EXIST|collection not exist|不存在/i.test(codeOf(e));
export const isDuplicate = (e: unknown): boolean => /DUPLICATE|E11000|duplicate key/i.test(codeOf(e));
export const isConflict = (e: unknown): boolean => /TRANSACTION_CONFLICT|WriteConflict/i.test(codeOf(e));
const isAlreadyExists = (e: unknown): boolean => /ALREADY_EXIST|already exist|已存在/i.test(codeOf(e));

/**
 * The SDK returns some failures as `{code, message}` instead of throwing (document.js `if
 * (res.code) return res`): turn those into thrown errors so a failed write never looks like a success.
 */
export function must<T>(res: T): T {
  const r = res as unknown as TcbErrorLike | undefined;
  if (r && typeof r === 'object' && typeof r.code === 'string' && r.code.length > 0) {
    throw Object.assign(new Error(`CloudBase ${r.code}: ${r.message ?? ''}`), { code: r.code });
  }
  return res;
}

export interface CloudbaseDb {
  db: Db;
  /** Full collection name of a logical collection. */
  name(c: CollectionName): string;
  /**
   * Runs `op`; when it fails because a collection does not exist yet, creates the adapter's
   * collections once and runs it again.
   */
  run<T>(op: () => Promise<T>): Promise<T>;
  /** Creates every collection that does not exist yet. */
  ensureCollections(): Promise<void>;
}

export function openCloudbaseDb(opts: CloudbaseStoreOptions): CloudbaseDb {
  const init: Record<string, unknown> = { env: opts.env ?? tcb.SYMBOL_CURRENT_ENV, timeout: opts.timeoutMs ?? 15_000, throwOnCode: true };
  if (opts.secretId) init.secretId = opts.secretId;
  if (opts.secretKey) init.secretKey = opts.secretKey;
  if (opts.sessionToken) init.sessionToken = opts.sessionToken;
  if (opts.serviceUrl) init.serviceUrl = opts.serviceUrl;
  const app = tcb.init(init as Parameters<typeof tcb.init>[0]);
  const db = app.database();
  const prefix = opts.collectionPrefix ?? 'rpm_';
  let created: Promise<void> | undefined;

  async function ensureCollections(): Promise<void> {
    for (const c of COLLECTIONS) {
      try {
        must(await db.createCollection(prefix + c));
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
      }
    }
  }

  return {
    db,
    name: (c) => prefix + c,
    ensureCollections,
    async run(op) {
      try {
        return await op();
      } catch (e) {
        if (!isNotExist(e)) throw e;
        created ??= ensureCollections().catch((err: unknown) => {
          created = undefined;
          throw err;
        });
        await created;
        return op();
      }
    },
  };
}

/** The first document of a `doc(id).get()` answer (an array outside a transaction, one document or null inside). */
export function firstDoc(res: { data?: unknown }): Doc | undefined {
  const d = must(res).data;
  if (Array.isArray(d)) return (d[0] as Doc | undefined) ?? undefined;
  return (d as Doc | null | undefined) ?? undefined;
}

export function docsOf(res: { data?: unknown }): Doc[] {
  const d = must(res).data;
  return Array.isArray(d) ? (d as Doc[]) : [];
}

/** A collection of the adapter, looked up when used. */
export type CollectionRef = () => ReturnType<Db['collection']>;

/** One document by id, or undefined. */
export async function byId(cdb: CloudbaseDb, coll: CollectionRef, id: string): Promise<Doc | undefined> {
  return firstDoc(await cdb.run(() => coll().doc(id).get()));
}

/** Every document matching `where`, paged by `_id` past the 1000-document cap. */
export async function allWhere(cdb: CloudbaseDb, coll: CollectionRef, where: Record<string, unknown>): Promise<Doc[]> {
  const _ = cdb.db.command;
  const out: Doc[] = [];
  let after: string | undefined;
  for (;;) {
    const q = coll()
      .where(after === undefined ? where : { ...where, _id: _.gt(after) })
      .orderBy('_id', 'asc')
      .limit(PAGE);
    const page = docsOf(await cdb.run(() => q.get()));
    out.push(...page);
    if (page.length < PAGE) return out;
    after = page[page.length - 1]!._id as string;
  }
}

/**
 * Updates a document, creating it from `init` when it is missing: CloudBase's `update` does not
 * upsert, and `set` would replace fields a concurrent writer just changed. A racing creator makes
 * the insert a duplicate, and the update is applied again.
 */
export async function upsert(
  cdb: CloudbaseDb,
  coll: CollectionRef,
  id: string,
  update: Record<string, unknown>,
  init: () => Record<string, unknown>,
): Promise<void> {
  const run = async () => must(await cdb.run(() => coll().doc(id).update(update))).updated as number;
  if ((await run()) > 0) return;
  if (await byId(cdb, coll, id)) return; // present, and already as asked
  try {
    must(await cdb.run(() => coll().add({ _id: id, ...init() })));
  } catch (e) {
    if (!isDuplicate(e)) throw e;
    await run();
  }
}
