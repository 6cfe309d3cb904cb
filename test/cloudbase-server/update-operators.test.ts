/**
 * Every update command `db.command` offers, as the SDK encodes it (serializer/update.js), applied
 * by the stand-in; and the type errors MongoDB (so CloudBase) raises where mingo alone would not.
 */
import { freshCollection, rawAction, rejection, useStandIn } from './harness';

const h = useStandIn();

/** Applies one update to a fresh copy of `doc` and returns the stored result. */
async function after(doc: Record<string, unknown>, update: Record<string, unknown>) {
  const c = await freshCollection(h.db, 'u');
  await h.db.collection(c).add({ _id: 'd', ...doc });
  await h.db.collection(c).doc('d').update(update);
  const [stored] = h.server.documents(c);
  delete stored._id;
  return stored;
}

describe('update commands', () => {
  const _ = () => h.db.command;

  test('set, inc, mul, min, max, remove', async () => {
    expect(await after({ o: { a: 1, b: 2 } }, { o: _().set({ c: 3 }) })).toEqual({ o: { c: 3 } });
    expect(await after({ n: 1 }, { n: _().inc(2.5) })).toEqual({ n: 3.5 });
    expect(await after({}, { n: _().inc(-1) })).toEqual({ n: -1 });
    expect(await after({ n: 3 }, { n: _().mul(4) })).toEqual({ n: 12 });
    expect(await after({ n: 3 }, { n: _().min(1) })).toEqual({ n: 1 });
    expect(await after({ n: 3 }, { n: _().max(1) })).toEqual({ n: 3 });
    expect(await after({ at: new Date(5) }, { at: _().max(new Date(9)) })).toEqual({ at: new Date(9) });
    expect(await after({ a: 1, b: 2 }, { a: _().remove() })).toEqual({ b: 2 });
  });

  test('nested paths and array indexes', async () => {
    expect(await after({ o: { a: 1, b: 2 } }, { o: { a: 5 } })).toEqual({ o: { a: 5, b: 2 } });
    expect(await after({ o: { a: 1 } }, { 'o.x.y': 1 })).toEqual({ o: { a: 1, x: { y: 1 } } });
    expect(await after({ arr: [{ v: 1 }, { v: 2 }] }, { 'arr.1.v': _().inc(10) })).toEqual({ arr: [{ v: 1 }, { v: 12 }] });
  });

  test('push, unshift, pop, shift', async () => {
    expect(await after({ a: [1] }, { a: _().push(2) })).toEqual({ a: [1, 2] });
    expect(await after({ a: [1] }, { a: _().push([2, 3]) })).toEqual({ a: [1, 2, 3] });
    expect(await after({}, { a: _().push(1) })).toEqual({ a: [1] });
    expect(await after({ a: [5, 1] }, { a: _().push({ each: [3, 9], sort: 1, slice: -3 }) })).toEqual({ a: [3, 5, 9] });
    expect(await after({ a: [1, 2] }, { a: _().push({ each: [0], position: 1 }) })).toEqual({ a: [1, 0, 2] });
    expect(await after({ a: [1, 2] }, { a: _().unshift([7, 8]) })).toEqual({ a: [7, 8, 1, 2] });
    expect(await after({ a: [1, 2, 3] }, { a: _().pop() })).toEqual({ a: [1, 2] });
    expect(await after({ a: [1, 2, 3] }, { a: _().shift() })).toEqual({ a: [2, 3] });
  });

  test('pull, pullAll, addToSet', async () => {
    expect(await after({ a: [1, 2, 3, 2] }, { a: _().pull(2) })).toEqual({ a: [1, 3] });
    expect(await after({ a: [1, 2, 3, 4] }, { a: _().pull(_().gte(3)) })).toEqual({ a: [1, 2] });
    expect(await after({ a: [{ k: 1 }, { k: 2 }] }, { a: _().pull({ k: 2 }) })).toEqual({ a: [{ k: 1 }] });
    expect(await after({ a: [1, 2, 3] }, { a: _().pullAll([1, 3]) })).toEqual({ a: [2] });
    expect(await after({ a: [1, 2] }, { a: _().addToSet(2) })).toEqual({ a: [1, 2] });
    expect(await after({ a: [1, 2] }, { a: _().addToSet({ $each: [2, 3, 4] }) })).toEqual({ a: [1, 2, 3, 4] });
  });

  test('rename and bit', async () => {
    expect(await after({ a: 1 }, { a: _().rename('b') })).toEqual({ b: 1 });
    expect(await after({ f: 6 }, { f: _().bit({ and: 3 }) })).toEqual({ f: 2 });
  });

  test('the positional $ updates the first array element the query matched', async () => {
    const c = await freshCollection(h.db, 'u');
    await h.db.collection(c).add({
      _id: 'd',
      items: [
        { k: 'a', n: 1 },
        { k: 'b', n: 1 },
      ],
    });
    await h.db
      .collection(c)
      .where({ 'items.k': 'b' })
      .update({ 'items.$.n': h.db.command.inc(1) });
    expect(h.server.documents(c)[0].items).toEqual([
      { k: 'a', n: 1 },
      { k: 'b', n: 2 },
    ]);
  });
});

describe('type errors MongoDB raises (mingo alone would silently skip them)', () => {
  async function failure(doc: Record<string, unknown>, update: Record<string, unknown>) {
    const c = await freshCollection(h.db, 'u');
    await h.db.collection(c).add({ _id: 'd', ...doc });
    const e = await rejection(h.db.collection(c).doc('d').update(update));
    expect(h.server.documents(c)[0]).toEqual({ _id: 'd', ...doc });
    return e;
  }
  const _ = () => h.db.command;

  test.each([
    ['inc on a string', { v: 'x' }, () => ({ v: _().inc(1) }), /non-numeric/],
    ['mul on an array', { v: [1] }, () => ({ v: _().mul(2) }), /non-numeric/],
    ['push onto a number', { v: 1 }, () => ({ v: _().push(2) }), /non-array/],
    ['pull from an object', { v: { a: 1 } }, () => ({ v: _().pull(1) }), /non-array/],
    ['pop a string', { v: 's' }, () => ({ v: _().pop() }), /non-array/],
    ['addToSet on a number', { v: 1 }, () => ({ v: _().addToSet(1) }), /non-array/],
    ['set a field inside a number', { v: 1 }, () => ({ 'v.x': 1 }), /Cannot create field 'x'/],
    ['set a field inside null', { v: null }, () => ({ 'v.x': 1 }), /Cannot create field 'x'/],
    ['set a named field inside an array', { v: [1] }, () => ({ 'v.x': 1 }), /Cannot create field 'x'/],
  ])('%s', async (_name, doc, update, message) => {
    const e = await failure(doc, update());
    expect(e.code).toBe('DATABASE_REQUEST_FAILED');
    expect(e.message).toMatch(message);
  });
});

describe('update operators CloudBase does not have are refused', () => {
  test.each(['$currentDate', '$setOnInsert'])('%s', async (op) => {
    const c = await freshCollection(h.db, 'u');
    await h.db.collection(c).add({ _id: 'd', v: 1 });
    const r = await rawAction(h.server, 'database.modifyDocument', {
      collectionName: c,
      queryType: 'DOC',
      query: JSON.stringify({ _id: 'd' }),
      data: JSON.stringify({ [op]: { v: true } }),
      merge: true,
      multi: false,
      upsert: false,
    });
    expect(r.json).toMatchObject({ code: 'DATABASE_INVALID_OPERRATOR' });
    expect(h.server.documents(c)[0]).toEqual({ _id: 'd', v: 1 });
  });

  test('an unknown $push modifier', async () => {
    const c = await freshCollection(h.db, 'u');
    await h.db.collection(c).add({ _id: 'd', a: [] });
    const r = await rawAction(h.server, 'database.modifyDocument', {
      collectionName: c,
      queryType: 'DOC',
      query: JSON.stringify({ _id: 'd' }),
      data: JSON.stringify({ $push: { a: { $each: [1], $where: 'x' } } }),
      merge: true,
    });
    expect(r.json).toMatchObject({ code: 'DATABASE_INVALID_OPERRATOR' });
  });

  test('update data mixing operators and plain fields', async () => {
    const c = await freshCollection(h.db, 'u');
    await h.db.collection(c).add({ _id: 'd' });
    const r = await rawAction(h.server, 'database.modifyDocument', {
      collectionName: c,
      queryType: 'DOC',
      query: JSON.stringify({ _id: 'd' }),
      data: JSON.stringify({ $set: { a: 1 }, b: 2 }),
      merge: true,
    });
    expect(r.json).toMatchObject({ code: 'INVALID_PARAM' });
  });
});
