/**
 * CloudBase transactions (docs.cloudbase.net/database/transaction): only single-document
 * operations, snapshot isolation, nothing visible to others before commit.
 *
 * Optimistic, version-based: a transaction remembers the commit version it started at and the
 * version of every document it read or wrote. It fails with DATABASE_TRANSACTION_CONFLICT (the code
 * `runTransaction` retries on) when
 * - it touches a document that changed after it started (MongoDB's WriteConflict for writes; for
 *   reads the stand-in keeps no old versions to serve, so the read itself fails),
 * - it writes a document another open transaction has written (MongoDB: second writer loses),
 * - at commit, anything it read or wrote has changed since.
 * A transaction that fails is aborted at once (MongoDB aborts on WriteConflict), so its pending
 * writes stop blocking the retry `runTransaction` starts without rolling back.
 * Abandoned transactions expire after `lifetimeMs` (MongoDB's transactionLifetimeLimitSeconds
 * default is 60 s); expiry is checked lazily on each request, so no timer holds the process open.
 */
import { randomBytes } from 'node:crypto';
import { invalidParam, transactionConflict, transactionFail } from './errors';
import type { Doc } from './ejson';
import { type Collection, type Database, idKey } from './store';

interface PendingWrite {
  collection: Collection;
  id: unknown;
  /** The new document, or null for a delete. */
  doc: Doc | null;
  baseVersion: number;
}

export class Transaction {
  readonly reads = new Map<string, { collection: Collection; id: unknown; version: number }>();
  readonly writes = new Map<string, PendingWrite>();

  constructor(
    readonly id: string,
    readonly snapshot: number,
    readonly startedAt: number,
  ) {}
}

const key = (c: Collection, id: unknown) => `${c.name}\u0000${idKey(id)}`;

export class TransactionManager {
  private readonly open = new Map<string, Transaction>();

  constructor(
    private readonly db: Database,
    private readonly lifetimeMs: number,
    private readonly now: () => number,
  ) {}

  start(): Transaction {
    this.expire();
    const t = new Transaction(randomBytes(12).toString('hex'), this.db.version, this.now());
    this.open.set(t.id, t);
    return t;
  }

  /** The open transaction with this id, or DATABASE_TRANSACTION_FAIL (unknown, finished or expired). */
  get(id: unknown): Transaction {
    this.expire();
    if (typeof id !== 'string' || id === '') throw invalidParam('transactionId must be a non-empty string');
    const t = this.open.get(id);
    if (!t) throw transactionFail(`transaction ${id} is not open (unknown, committed, aborted or expired)`);
    return t;
  }

  abort(t: Transaction): void {
    this.open.delete(t.id);
  }

  /**
   * The document as this transaction sees it (its own pending write first). Not a copy: callers
   * never mutate documents (updates are applied to copies, see query-engine.ts `applyUpdate`).
   */
  read(t: Transaction, c: Collection, id: unknown): Doc | null {
    const k = key(c, id);
    const pending = t.writes.get(k);
    if (pending) return pending.doc;
    const version = c.versionOf(id);
    this.guard(t, version > t.snapshot, `document ${JSON.stringify(id)} in ${c.name} changed after the transaction started`);
    if (!t.reads.has(k)) t.reads.set(k, { collection: c, id, version });
    const stored = c.get(id);
    return stored ? stored.doc : null;
  }

  /** Records a write (doc null = delete); visible to this transaction only until commit. */
  write(t: Transaction, c: Collection, id: unknown, doc: Doc | null): void {
    const k = key(c, id);
    const rival = [...this.open.values()].find((o) => o !== t && o.writes.has(k));
    this.guard(t, rival !== undefined, `document ${JSON.stringify(id)} in ${c.name} is being written by another transaction`);
    const version = c.versionOf(id);
    this.guard(t, version > t.snapshot, `document ${JSON.stringify(id)} in ${c.name} changed after the transaction started`);
    const base = t.writes.get(k)?.baseVersion ?? version;
    t.writes.set(k, { collection: c, id, doc, baseVersion: base });
  }

  /** Validates everything read and written, then applies the writes; returns documents written. */
  commit(t: Transaction): number {
    for (const r of t.reads.values())
      this.guard(t, r.collection.versionOf(r.id) !== r.version, `document ${JSON.stringify(r.id)} in ${r.collection.name} changed before commit`);
    for (const w of t.writes.values())
      this.guard(t, w.collection.versionOf(w.id) !== w.baseVersion, `document ${JSON.stringify(w.id)} in ${w.collection.name} changed before commit`);
    for (const w of t.writes.values()) this.apply(w);
    this.open.delete(t.id);
    return t.writes.size;
  }

  private apply(w: PendingWrite): void {
    if (w.doc === null) this.db.remove(w.collection, w.id);
    else if (w.collection.get(w.id)) this.db.replace(w.collection, w.doc);
    else this.db.insert(w.collection, w.doc);
  }

  private guard(t: Transaction, conflicted: boolean, detail: string): void {
    if (!conflicted) return;
    this.abort(t);
    throw transactionConflict(detail);
  }

  private expire(): void {
    const now = this.now();
    for (const t of this.open.values()) if (now - t.startedAt > this.lifetimeMs) this.open.delete(t.id);
  }
}
