/**
 * The committed state of the database: collections of documents in natural (insertion) order,
 * each document stamped with the commit version that last wrote it. Deleted ids keep a tombstone
 * version so a transaction can tell "absent since before I started" from "deleted after I started"
 * (see transactions.ts). Values are EJSON-decoded JS values (Date, RegExp, numbers …).
 */
import { collectionAlreadyExist, collectionNotExist, duplicateWrite, invalidParam } from './errors';
import { type Doc, deepClone } from './ejson';

export interface StoredDoc {
  doc: Doc;
  version: number;
}

/** `1` and `'1'` are different `_id`s, as in MongoDB. */
export const idKey = (id: unknown): string => `${typeof id}:${String(id)}`;

export class Collection {
  readonly docs = new Map<string, StoredDoc>();
  readonly tombstones = new Map<string, number>();

  constructor(readonly name: string) {}

  get(id: unknown): StoredDoc | undefined {
    return this.docs.get(idKey(id));
  }

  /** Version of whatever is at `id` now: the document's, its tombstone's, or 0 if never written. */
  versionOf(id: unknown): number {
    const key = idKey(id);
    return this.docs.get(key)?.version ?? this.tombstones.get(key) ?? 0;
  }

  list(): Doc[] {
    return [...this.docs.values()].map((s) => s.doc);
  }

  /**
   * The documents a query can match: just one when it names a scalar `_id` (what every
   * `doc(id)` call sends), so by-id calls do not scan the collection; the query still runs on it.
   */
  candidates(query: Doc): Doc[] {
    const id = query._id;
    if (typeof id !== 'string' && typeof id !== 'number') return this.list();
    const found = this.get(id);
    return found ? [found.doc] : [];
  }
}

export class Database {
  private readonly collections = new Map<string, Collection>();
  /** Monotonic commit counter; every committed write gets the next value. */
  private clock = 0;

  get version(): number {
    return this.clock;
  }

  create(name: string): void {
    if (typeof name !== 'string' || name === '' || name.includes('$')) throw invalidParam(`invalid collection name ${JSON.stringify(name)}`);
    if (this.collections.has(name)) throw collectionAlreadyExist(name);
    this.collections.set(name, new Collection(name));
  }

  /** The collection, or CloudBase's "collection not exist" error (for reads and writes alike). */
  collection(name: unknown): Collection {
    if (typeof name !== 'string' || name === '') throw invalidParam('collectionName must be a non-empty string');
    const c = this.collections.get(name);
    if (!c) throw collectionNotExist(name);
    return c;
  }

  find(name: string): Collection | undefined {
    return this.collections.get(name);
  }

  insert(c: Collection, doc: Doc): void {
    if (c.docs.has(idKey(doc._id))) throw duplicateWrite(c.name, doc._id);
    c.docs.set(idKey(doc._id), { doc, version: ++this.clock });
  }

  /** Replaces in place, so the document keeps its position in natural order. */
  replace(c: Collection, doc: Doc): void {
    const key = idKey(doc._id);
    if (!c.docs.has(key)) throw new Error(`bug: replacing missing document ${key}`);
    c.docs.set(key, { doc, version: ++this.clock });
  }

  remove(c: Collection, id: unknown): void {
    const key = idKey(id);
    if (!c.docs.delete(key)) return;
    c.tombstones.set(key, ++this.clock);
  }

  /** Deep copies for test inspection. */
  snapshot(name: string): Doc[] {
    return (this.collections.get(name)?.list() ?? []).map((d) => deepClone(d));
  }
}
