// biome-ignore-all lint/suspicious/noExplicitAny: the SDK types a transaction handle as `any` (@cloudbase/database)
/**
 * Transactions through the SDK's `db.startTransaction()` / `db.runTransaction()`
 * (@cloudbase/database/dist/commonjs/transaction/index.js): snapshot isolation, writes invisible
 * until commit, conflicts that make `runTransaction` retry, single-document operations only,
 * expiry of abandoned transactions — and the older transaction.js API.
 */
import tcb from '@cloudbase/node-sdk';
import { sdkOptions, startCloudbaseServer } from '../helpers/cloudbase-server';
import { type Db, freshCollection, rejection, useStandIn } from './harness';

const h = useStandIn();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function seeded(docs: Array<Record<string, unknown>>) {
  const c = await freshCollection(h.db, 'tx');
  if (docs.length) await h.db.collection(c).add(docs);
  return c;
}

test('runTransaction: reads, writes several documents, commits them together, returns the callback result', async () => {
  const c = await seeded([
    { _id: 'from', balance: 10 },
    { _id: 'to', balance: 0 },
  ]);
  h.server.resetStats();
  const result = await h.db.runTransaction(async (t: any) => {
    const from = (await t.collection(c).doc('from').get()).data;
    await t
      .collection(c)
      .doc('from')
      .update({ balance: from.balance - 4 });
    await t
      .collection(c)
      .doc('to')
      .update({ balance: h.db.command.inc(4) });
    await t.collection(c).add({ _id: 'log', moved: 4 });
    return 'done';
  });
  expect(result).toBe('done');
  expect(h.server.documents(c)).toEqual([
    { _id: 'from', balance: 6 },
    { _id: 'to', balance: 4 },
    { _id: 'log', moved: 4 },
  ]);
  expect(h.server.stats()).toMatchObject({ docsRead: 1, docsWritten: 3 });
});

test('inside a transaction doc().get() gives data as one document (or null)', async () => {
  const c = await seeded([{ _id: 'a', v: 1 }]);
  const t = await h.db.startTransaction();
  expect((await t.collection(c).doc('a').get()).data).toEqual({ _id: 'a', v: 1 });
  expect((await t.collection(c).doc('none').get()).data).toBeNull();
  await t.rollback();
});

test('writes are invisible to others until commit, and visible to the transaction itself', async () => {
  const c = await seeded([{ _id: 'a', v: 1 }]);
  const t = await h.db.startTransaction();
  await t.collection(c).doc('a').update({ v: 2 });
  await t.collection(c).doc('b').set({ v: 3 });
  expect((await t.collection(c).doc('a').get()).data).toEqual({ _id: 'a', v: 2 });
  expect((await h.db.collection(c).doc('a').get()).data).toEqual([{ _id: 'a', v: 1 }]);
  expect((await h.db.collection(c).doc('b').get()).data).toEqual([]);
  await t.commit();
  expect(h.server.documents(c)).toEqual([
    { _id: 'a', v: 2 },
    { _id: 'b', v: 3 },
  ]);
});

test('rollback discards the writes', async () => {
  const c = await seeded([{ _id: 'a', v: 1 }]);
  const t = await h.db.startTransaction();
  await t.collection(c).doc('a').remove();
  await t.collection(c).add({ _id: 'n' });
  h.server.resetStats();
  await t.rollback();
  expect(h.server.documents(c)).toEqual([{ _id: 'a', v: 1 }]);
  expect(h.server.stats().docsWritten).toBe(0);
});

test('a callback that throws is rolled back and its error rethrown', async () => {
  const c = await seeded([{ _id: 'a', v: 1 }]);
  h.server.resetStats();
  await expect(
    h.db.runTransaction(async (t: any) => {
      await t.collection(c).doc('a').update({ v: 99 });
      throw new Error('business rule');
    }),
  ).rejects.toThrow('business rule');
  expect(h.server.documents(c)).toEqual([{ _id: 'a', v: 1 }]);
  expect(h.server.stats().byAction['database.abortTransaction']).toBe(1);
});

describe('conflicts', () => {
  test('two transactions writing one document: the second writer gets DATABASE_TRANSACTION_CONFLICT', async () => {
    const c = await seeded([{ _id: 'a', v: 0 }]);
    const t1 = await h.db.startTransaction();
    const t2 = await h.db.startTransaction();
    await t1.collection(c).doc('a').update({ v: 1 });
    expect((await rejection(t2.collection(c).doc('a').update({ v: 2 }))).code).toBe('DATABASE_TRANSACTION_CONFLICT');
    await t1.commit();
    // The failed transaction is aborted at once (as MongoDB does); its id is no longer usable.
    expect((await rejection(t2.commit())).code).toBe('DATABASE_TRANSACTION_FAIL');
    expect(h.server.documents(c)).toEqual([{ _id: 'a', v: 1 }]);
  });

  test('a document changed outside after the transaction read it makes the commit fail', async () => {
    const c = await seeded([
      { _id: 'a', v: 0 },
      { _id: 'b', v: 0 },
    ]);
    const t = await h.db.startTransaction();
    await t.collection(c).doc('a').get();
    await t.collection(c).doc('b').update({ v: 1 });
    await h.db.collection(c).doc('a').update({ v: 5 });
    expect((await rejection(t.commit())).code).toBe('DATABASE_TRANSACTION_CONFLICT');
    expect(h.server.documents(c)).toEqual([
      { _id: 'a', v: 5 },
      { _id: 'b', v: 0 },
    ]);
  });

  test('touching a document changed after the transaction started fails at once', async () => {
    const c = await seeded([{ _id: 'a', v: 0 }]);
    const t = await h.db.startTransaction();
    await h.db.collection(c).doc('a').update({ v: 5 });
    expect((await rejection(t.collection(c).doc('a').update({ v: 1 }))).code).toBe('DATABASE_TRANSACTION_CONFLICT');
    const t2 = await h.db.startTransaction();
    await h.db.collection(c).add({ _id: 'late' });
    expect((await rejection(t2.collection(c).doc('late').get())).code).toBe('DATABASE_TRANSACTION_CONFLICT');
  });

  test('runTransaction retries a conflicting attempt and the second attempt commits', async () => {
    const c = await seeded([{ _id: 'counter', n: 0 }]);
    let attempts = 0;
    await h.db.runTransaction(async (t: any) => {
      attempts++;
      const { n } = (await t.collection(c).doc('counter').get()).data;
      if (attempts === 1) await h.db.collection(c).doc('counter').update({ n: 100 }); // someone else writes meanwhile
      await t
        .collection(c)
        .doc('counter')
        .update({ n: n + 1 });
    });
    expect(attempts).toBe(2);
    expect(h.server.documents(c)).toEqual([{ _id: 'counter', n: 101 }]);
  });

  test('runTransaction gives up after four attempts (times = 3 retries) and rethrows the conflict', async () => {
    const c = await seeded([{ _id: 'hot', n: 0 }]);
    let attempts = 0;
    const e = await rejection(
      h.db.runTransaction(async (t: any) => {
        attempts++;
        await t.collection(c).doc('hot').get();
        await h.db
          .collection(c)
          .doc('hot')
          .update({ n: h.db.command.inc(1) });
        await t.collection(c).doc('hot').update({ n: -1 });
      }),
    );
    expect(e.code).toBe('DATABASE_TRANSACTION_CONFLICT');
    expect(attempts).toBe(4);
    expect(h.server.documents(c)).toEqual([{ _id: 'hot', n: 4 }]);
  });

  test('concurrent runTransactions incrementing one counter: one side retries, no increment is lost', async () => {
    const c = await seeded([{ _id: 'counter', n: 0 }]);
    const attempts = [0, 0];
    h.server.resetStats();
    const increment = (side: number) =>
      h.db.runTransaction(async (t: any) => {
        attempts[side]++;
        const { n } = (await t.collection(c).doc('counter').get()).data;
        await sleep(20);
        await t
          .collection(c)
          .doc('counter')
          .update({ n: n + 1 });
      });
    await Promise.all([increment(0), increment(1)]);
    expect(h.server.documents(c)).toEqual([{ _id: 'counter', n: 2 }]);
    expect(attempts[0] + attempts[1]).toBeGreaterThan(2);
    expect(h.server.stats().byAction['database.commitTransaction']).toBe(2);
  });

  test('adding an _id that exists is a duplicate, inside a transaction too', async () => {
    const c = await seeded([{ _id: 'a' }]);
    const t = await h.db.startTransaction();
    expect((await rejection(t.collection(c).add({ _id: 'a' }))).code).toBe('DATABASE_DUPLICATE_WRITE');
    await t.rollback();
  });
});

describe('only single-document operations', () => {
  test.each([
    ['where().get()', (t: any, c: string) => t.collection(c).where({ v: 1 }).get()],
    ['collection get()', (t: any, c: string) => t.collection(c).get()],
    ['add([several])', (t: any, c: string) => t.collection(c).add([{ v: 1 }, { v: 2 }])],
    ['where().updateAndReturn()', (t: any, c: string) => t.collection(c).where({ v: 1 }).updateAndReturn({ v: 2 })],
  ])('%s is refused with DATABASE_INVALID_OPERRATOR', async (_name, call) => {
    const c = await seeded([{ _id: 'a', v: 1 }]);
    const t = await h.db.startTransaction();
    expect((await rejection(call(t, c))).code).toBe('DATABASE_INVALID_OPERRATOR');
    await t.rollback();
  });

  test('beware: where().update(), where().remove() and count() on a transaction run OUTSIDE it (the SDK drops the transactionId)', async () => {
    const c = await seeded([
      { _id: 'a', v: 1 },
      { _id: 'b', v: 1 },
    ]);
    const t = await h.db.startTransaction();
    await t.collection(c).where({ _id: 'a' }).update({ v: 2 });
    await t.collection(c).where({ _id: 'b' }).remove();
    expect((await t.collection(c).count()).total).toBe(1);
    await t.rollback();
    // Rolled back, yet both writes happened: they were never part of the transaction.
    expect(h.server.documents(c)).toEqual([{ _id: 'a', v: 2 }]);
  });
});

test('set() in a transaction reports the upserted id', async () => {
  const c = await seeded([]);
  const t = await h.db.startTransaction();
  const r = await t.collection(c).doc('new').set({ v: 1 });
  expect(r).toMatchObject({ updated: 0, upserted: [{ _id: 'new' }] });
  await t.commit();
  expect(h.server.documents(c)).toEqual([{ _id: 'new', v: 1 }]);
});

test('an abandoned transaction expires: its locks go, its id fails', async () => {
  let now = 1_000_000;
  const server = await startCloudbaseServer({ transactionLifetimeMs: 10_000, clock: () => now });
  try {
    const db: Db = tcb.init(sdkOptions(server)).database();
    await db.createCollection('c');
    await db.collection('c').add({ _id: 'a', v: 0 });
    const abandoned = await db.startTransaction();
    await abandoned.collection('c').doc('a').update({ v: 1 });
    const blocked = await db.startTransaction();
    expect((await rejection(blocked.collection('c').doc('a').update({ v: 2 }))).code).toBe('DATABASE_TRANSACTION_CONFLICT');
    now += 10_001;
    const next = await db.startTransaction();
    await next.collection('c').doc('a').update({ v: 3 });
    await next.commit();
    expect((await rejection(abandoned.commit())).code).toBe('DATABASE_TRANSACTION_FAIL');
    expect(server.documents('c')).toEqual([{ _id: 'a', v: 3 }]);
  } finally {
    await server.close();
  }
});

describe('the older transaction.js API (getInTransaction, updateDocInTransaction, deleteDocInTransaction)', () => {
  const { Transaction } = require('@cloudbase/database/dist/commonjs/transaction.js');

  test('get, set, update, delete, commit', async () => {
    const c = await seeded([{ _id: 'a', v: 1, keep: true }, { _id: 'gone' }]);
    const t = new Transaction(h.db);
    await t.init();
    const snap = await t.get(h.db.collection(c).doc('a'));
    expect(snap.data()).toEqual({ _id: 'a', v: 1, keep: true });
    expect((await t.get(h.db.collection(c).doc('none'))).data()).toBeNull();
    expect(await t.update(h.db.collection(c).doc('a'), { v: 2 })).toMatchObject({ updated: 1 });
    expect(await t.set(h.db.collection(c).doc('b'), { w: 1 })).toMatchObject({ updated: 0, upserted: [{ _id: 'b' }] });
    expect(await t.delete(h.db.collection(c).doc('gone'))).toMatchObject({ deleted: 1 });
    expect(h.server.documents(c).map((d) => d._id)).toEqual(['a', 'gone']);
    await t.commit();
    expect(h.server.documents(c)).toEqual([
      { _id: 'a', v: 2, keep: true },
      { _id: 'b', w: 1 },
    ]);
  });

  test('conflicts surface the same way', async () => {
    const c = await seeded([{ _id: 'a', v: 1 }]);
    const t1 = new Transaction(h.db);
    const t2 = new Transaction(h.db);
    await t1.init();
    await t2.init();
    await t1.update(h.db.collection(c).doc('a'), { v: 2 });
    await expect(t2.update(h.db.collection(c).doc('a'), { v: 3 })).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' });
    await t1.rollback();
  });
});
