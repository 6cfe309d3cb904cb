/**
 * Reads and writes through the real @cloudbase/node-sdk against the stand-in: what each call
 * returns, and the limits CloudBase enforces (1000 per get, 100 by default, collections that must
 * exist, unique _id, field names, document size).
 */
import { bsonSize, checkSize, MAX_DOCUMENT_BYTES } from '../helpers/cloudbase-server/document-rules';
import { freshCollection, rawAction, rejection, useStandIn } from './harness';

const h = useStandIn();

describe('add and get', () => {
  test('add() returns the generated id; add([…]) returns ids; explicit _id is kept', async () => {
    const c = await freshCollection(h.db);
    const one = await h.db.collection(c).add({ name: 'a' });
    expect(one.id).toMatch(/^[0-9a-f]{32}$/);
    const many = await h.db.collection(c).add([{ name: 'b' }, { _id: 'fixed', name: 'c' }]);
    expect(many.ids).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/), 'fixed']);
    expect(h.server.documents(c).map((d) => d.name)).toEqual(['a', 'b', 'c']);
  });

  test('doc(id).get() gives data as an array, empty when the document does not exist', async () => {
    const c = await freshCollection(h.db);
    await h.db.collection(c).add({ _id: 'x', v: 1 });
    expect((await h.db.collection(c).doc('x').get()).data).toEqual([{ _id: 'x', v: 1 }]);
    expect((await h.db.collection(c).doc('missing').get()).data).toEqual([]);
  });

  test('values round-trip as EJSON: integers, doubles, strings, booleans, null, nested objects, arrays, Dates', async () => {
    const c = await freshCollection(h.db);
    const value = {
      _id: 'v',
      i: 7,
      big: 2 ** 40,
      d: 1.25,
      neg: -3,
      s: 'héllo',
      t: true,
      f: false,
      n: null,
      o: { a: { b: [1, 'x'] } },
      at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)),
    };
    await h.db.collection(c).add(value);
    expect((await h.db.collection(c).doc('v').get()).data[0]).toEqual(value);
    expect(h.server.documents(c)[0].at).toBeInstanceOf(Date);
  });

  test('db.serverDate() is resolved to the server clock', async () => {
    const c = await freshCollection(h.db);
    const before = Date.now();
    await h.db.collection(c).add({ _id: 's', at: h.db.serverDate(), later: h.db.serverDate({ offset: 60_000 }) });
    const [doc] = h.server.documents(c);
    expect((doc.at as Date).getTime()).toBeGreaterThanOrEqual(before);
    expect((doc.later as Date).getTime() - (doc.at as Date).getTime()).toBe(60_000);
  });

  test('where / orderBy / skip / limit / field', async () => {
    const c = await freshCollection(h.db);
    const _ = h.db.command;
    await h.db.collection(c).add(Array.from({ length: 10 }, (_x, i) => ({ _id: `d${i}`, n: i, even: i % 2 === 0, tag: i < 5 ? 'low' : 'high' })));
    const r = await h.db
      .collection(c)
      .where({ even: true, n: _.gte(2) })
      .orderBy('n', 'desc')
      .skip(1)
      .limit(2)
      .field({ n: true })
      .get();
    expect(r.data).toEqual([
      { _id: 'd6', n: 6 },
      { _id: 'd4', n: 4 },
    ]);
    const two = await h.db.collection(c).orderBy('tag', 'asc').orderBy('n', 'desc').limit(3).get();
    expect(two.data.map((d: { _id: string }) => d._id)).toEqual(['d9', 'd8', 'd7']);
    const or = await h.db
      .collection(c)
      .where(_.or([{ n: _.lt(1) }, { n: _.in([8, 9]) }]))
      .get();
    expect(or.data.map((d: { n: number }) => d.n)).toEqual([0, 8, 9]);
    const re = await h.db
      .collection(c)
      .where({ tag: h.db.RegExp({ regexp: '^HI', options: 'i' }) })
      .count();
    expect(re.total).toBe(5);
    const nested = await h.db
      .collection(c)
      .where({ n: _.neq(3).and(_.lte(4)) })
      .count();
    expect(nested.total).toBe(4);
  });

  test('count() returns total', async () => {
    const c = await freshCollection(h.db);
    await h.db.collection(c).add([{ a: 1 }, { a: 2 }, { a: 2 }]);
    expect((await h.db.collection(c).where({ a: 2 }).count()).total).toBe(2);
    expect((await h.db.collection(c).count()).total).toBe(3);
  });
});

describe('read limits', () => {
  let c: string;
  beforeAll(async () => {
    c = await freshCollection(h.db, 'big');
    await h.db.collection(c).add(Array.from({ length: 2500 }, (_x, i) => ({ i })));
  });

  test('get() returns 100 documents by default', async () => {
    expect((await h.db.collection(c).get()).data).toHaveLength(100);
  });

  test('get() returns at most 1000 documents whatever the limit asked', async () => {
    expect((await h.db.collection(c).limit(2000).get()).data).toHaveLength(1000);
    expect((await h.db.collection(c).skip(2000).limit(1000).get()).data).toHaveLength(500);
  });

  test('the server clamps too, for clients that do not (raw request with limit 5000)', async () => {
    const r = await rawAction(h.server, 'database.getDocument', { collectionName: c, queryType: 'WHERE', limit: 5000 });
    expect((r.json.data as { list: unknown[] }).list).toHaveLength(1000);
  });

  test('docsRead counts documents returned', async () => {
    h.server.resetStats();
    await h.db.collection(c).limit(250).get();
    await h.db.collection(c).count();
    expect(h.server.stats()).toMatchObject({ requests: 2, docsRead: 250, docsWritten: 0 });
  });
});

describe('set (replace) versus update (merge)', () => {
  test('update() merges fields, nested objects by path; set() replaces the whole document', async () => {
    const c = await freshCollection(h.db);
    await h.db.collection(c).add({ _id: 'p', name: 'a', profile: { age: 3, city: 'x' } });
    expect(
      (
        await h.db
          .collection(c)
          .doc('p')
          .update({ profile: { age: 4 } })
      ).updated,
    ).toBe(1);
    expect(h.server.documents(c)[0]).toEqual({ _id: 'p', name: 'a', profile: { age: 4, city: 'x' } });
    const set = await h.db.collection(c).doc('p').set({ other: true });
    expect(set).toMatchObject({ updated: 1 });
    expect(h.server.documents(c)[0]).toEqual({ _id: 'p', other: true });
  });

  test('set() on a missing document creates it (upsert) and reports upsertedId', async () => {
    const c = await freshCollection(h.db);
    const r = await h.db.collection(c).doc('new').set({ v: 1 });
    expect(r).toMatchObject({ updated: 0, upsertedId: 'new' });
    expect(h.server.documents(c)).toEqual([{ _id: 'new', v: 1 }]);
  });

  test('update() of a missing document changes nothing', async () => {
    const c = await freshCollection(h.db);
    expect((await h.db.collection(c).doc('none').update({ v: 1 })).updated).toBe(0);
    expect(h.server.documents(c)).toEqual([]);
  });

  test('an update that changes nothing reports updated: 0 and writes nothing', async () => {
    const c = await freshCollection(h.db);
    await h.db.collection(c).add({ _id: 'p', v: 1 });
    h.server.resetStats();
    expect((await h.db.collection(c).doc('p').update({ v: 1 })).updated).toBe(0);
    expect((await h.db.collection(c).doc('p').set({ v: 1 })).updated).toBe(0);
    expect(h.server.stats().docsWritten).toBe(0);
  });

  test('where().update() updates every match (multi by default)', async () => {
    const c = await freshCollection(h.db);
    await h.db.collection(c).add([
      { g: 1, v: 0 },
      { g: 1, v: 0 },
      { g: 2, v: 0 },
    ]);
    expect((await h.db.collection(c).where({ g: 1 }).update({ v: 5 })).updated).toBe(2);
    expect(h.server.documents(c).map((d) => d.v)).toEqual([5, 5, 0]);
  });

  test('updateAndReturn() updates the first match and returns it after the update', async () => {
    const c = await freshCollection(h.db);
    const _ = h.db.command;
    await h.db.collection(c).add([
      { _id: 'a', k: 'q', n: 1 },
      { _id: 'b', k: 'q', n: 1 },
    ]);
    const r = await h.db
      .collection(c)
      .where({ k: 'q' })
      .updateAndReturn({ n: _.inc(1) });
    expect(r).toMatchObject({ updated: 1, doc: { _id: 'a', k: 'q', n: 2 } });
    expect(h.server.documents(c).map((d) => d.n)).toEqual([2, 1]);
    const none = await h.db.collection(c).where({ k: 'zzz' }).updateAndReturn({ n: 1 });
    expect(none).toMatchObject({ updated: 0, doc: null });
  });

  test('upsert of update() (a raw client) seeds the new document from the equality query', async () => {
    const c = await freshCollection(h.db);
    const r = await rawAction(h.server, 'database.modifyDocument', {
      collectionName: c,
      queryType: 'WHERE',
      query: JSON.stringify({ k: 'a', n: { $gt: 1 } }),
      data: JSON.stringify({ $inc: { hits: 1 } }),
      merge: true,
      upsert: true,
      multi: false,
    });
    const id = (r.json.data as { upsert_id: string }).upsert_id;
    expect(h.server.documents(c)).toEqual([{ _id: id, k: 'a', hits: 1 }]);
  });
});

describe('remove', () => {
  test('doc().remove() removes one, where().remove() every match', async () => {
    const c = await freshCollection(h.db);
    await h.db.collection(c).add([
      { _id: 'a', g: 1 },
      { _id: 'b', g: 1 },
      { _id: 'c', g: 2 },
      { _id: 'd', g: 1 },
    ]);
    expect((await h.db.collection(c).doc('a').remove()).deleted).toBe(1);
    expect((await h.db.collection(c).doc('a').remove()).deleted).toBe(0);
    expect((await h.db.collection(c).where({ g: 1 }).remove()).deleted).toBe(2);
    expect(h.server.documents(c).map((d) => d._id)).toEqual(['c']);
  });
});

describe('what CloudBase refuses', () => {
  test('collections must exist: writes and reads of a missing one fail with DATABASE_COLLECTION_NOT_EXIST', async () => {
    const missing = h.db.collection('never_created');
    for (const call of [
      () => missing.add({ a: 1 }),
      () => missing.doc('x').set({ a: 1 }),
      () => missing.doc('x').update({ a: 1 }),
      () => missing.where({ a: 1 }).remove(),
      () => missing.get(),
      () => missing.doc('x').get(),
      () => missing.count(),
      () => missing.aggregate().match({}).end(),
    ]) {
      expect((await rejection(call())).code).toBe('DATABASE_COLLECTION_NOT_EXIST');
    }
  });

  test('creating an existing collection fails with DATABASE_COLLECTION_ALREADY_EXIST', async () => {
    const c = await freshCollection(h.db);
    expect((await rejection(h.db.createCollection(c))).code).toBe('DATABASE_COLLECTION_ALREADY_EXIST');
  });

  test('a duplicate _id fails with DATABASE_DUPLICATE_WRITE; earlier documents of the batch stay (ordered insert)', async () => {
    const c = await freshCollection(h.db);
    await h.db.collection(c).add({ _id: 'dup' });
    expect((await rejection(h.db.collection(c).add({ _id: 'dup', again: true }))).code).toBe('DATABASE_DUPLICATE_WRITE');
    expect((await rejection(h.db.collection(c).add([{ _id: 'first' }, { _id: 'dup' }, { _id: 'never' }]))).code).toBe('DATABASE_DUPLICATE_WRITE');
    expect(h.server.documents(c).map((d) => d._id)).toEqual(['dup', 'first']);
  });

  test('field names may not start with $ or contain a dot', async () => {
    const c = await freshCollection(h.db);
    expect((await rejection(h.db.collection(c).add({ 'a.b': 1 }))).code).toBe('INVALID_PARAM');
    expect((await rejection(h.db.collection(c).add({ nested: { $x: 1 } }))).code).toBe('INVALID_PARAM');
    expect(
      (
        await rejection(
          h.db
            .collection(c)
            .doc('y')
            .set({ list: [{ 'k.j': 1 }] }),
        )
      ).code,
    ).toBe('INVALID_PARAM');
    expect(h.server.documents(c)).toEqual([]);
  });

  test('a document over 16 MiB (as BSON) is refused, on insert and when an update grows it', async () => {
    const c = await freshCollection(h.db);
    expect((await rejection(h.db.collection(c).add({ _id: 'big', blob: 'x'.repeat(MAX_DOCUMENT_BYTES) }))).code).toBe('INVALID_PARAM');
    // Near the limit without the SDK's ~1 s of signing a 16 MiB body: a raw insert, then an SDK update.
    const near = { _id: 'near', blob: 'x'.repeat(MAX_DOCUMENT_BYTES - 100) };
    await rawAction(h.server, 'database.insertDocument', { collectionName: c, data: [JSON.stringify(near)] });
    expect(h.server.documents(c).map((d) => d._id)).toEqual(['near']);
    expect(
      (
        await rejection(
          h.db
            .collection(c)
            .doc('near')
            .update({ more: 'y'.repeat(200) }),
        )
      ).code,
    ).toBe('INVALID_PARAM');
  });

  test('the size is counted as BSON: exactly 16 MiB is allowed, one byte more is not', () => {
    const overhead = bsonSize({ _id: 'b', blob: '' });
    const exact = { _id: 'b', blob: 'x'.repeat(MAX_DOCUMENT_BYTES - overhead) };
    expect(bsonSize(exact)).toBe(MAX_DOCUMENT_BYTES);
    expect(() => checkSize(exact)).not.toThrow();
    expect(() => checkSize({ ...exact, blob: `${exact.blob}x` })).toThrow(/over the 16777216-byte limit/);
    // int32 4 bytes, double 8, Date 8, bool 1, null 0, nested document and array as documents.
    expect(bsonSize({ i: 1 })).toBe(5 + 1 + 2 + 4);
    expect(bsonSize({ d: 1.5, t: new Date(0), b: true, n: null })).toBe(5 + (1 + 2 + 8) + (1 + 2 + 8) + (1 + 2 + 1) + (1 + 2 + 0));
    expect(bsonSize({ a: [true] })).toBe(5 + 1 + 2 + (5 + 1 + 2 + 1));
  });

  test('_id cannot be changed by an update', async () => {
    const c = await freshCollection(h.db);
    await h.db.collection(c).add({ _id: 'keep', v: 1 });
    const r = await rawAction(h.server, 'database.modifyDocument', {
      collectionName: c,
      queryType: 'DOC',
      query: JSON.stringify({ _id: 'keep' }),
      data: JSON.stringify({ $set: { _id: 'other' } }),
      merge: true,
    });
    expect(r.json.code).toBe('INVALID_PARAM');
  });

  test('engine errors (e.g. $inc on a string) come back as DATABASE_REQUEST_FAILED', async () => {
    const c = await freshCollection(h.db);
    await h.db.collection(c).add({ _id: 's', v: 'text' });
    expect(
      (
        await rejection(
          h.db
            .collection(c)
            .doc('s')
            .update({ v: h.db.command.inc(1) }),
        )
      ).code,
    ).toBe('DATABASE_REQUEST_FAILED');
  });
});
