/**
 * `collection.aggregate()…end()` through the SDK: the documented stages run, the 20-result default
 * applies unless the pipeline has `$limit`, and stages or expression operators CloudBase does not
 * have are refused.
 */
import { freshCollection, rawAction, rejection, useStandIn } from './harness';

const h = useStandIn();
let c: string;

beforeAll(async () => {
  c = await freshCollection(h.db, 'agg');
  // 50 readings: device d0..d4, value 0..49, ts one minute apart.
  await h.db.collection(c).add(
    Array.from({ length: 50 }, (_x, i) => ({
      device: `d${i % 5}`,
      value: i,
      ts: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
      tags: i % 2 ? ['odd'] : ['even', 'x'],
    })),
  );
});

test('match, group, sort and limit', async () => {
  const $ = h.db.command.aggregate;
  const r = await h.db
    .collection(c)
    .aggregate()
    .match({ value: h.db.command.gte(10) })
    .group({ _id: '$device', n: $.sum(1), avg: $.avg('$value'), max: $.max('$value'), first: $.min('$ts') })
    .sort({ _id: 1 })
    .limit(3)
    .end();
  expect(r.data).toEqual([
    { _id: 'd0', n: 8, avg: 27.5, max: 45, first: new Date(Date.UTC(2026, 0, 1) + 10 * 60_000) },
    { _id: 'd1', n: 8, avg: 28.5, max: 46, first: new Date(Date.UTC(2026, 0, 1) + 11 * 60_000) },
    { _id: 'd2', n: 8, avg: 29.5, max: 47, first: new Date(Date.UTC(2026, 0, 1) + 12 * 60_000) },
  ]);
});

test('bucket by value, and time buckets with $subtract/$mod', async () => {
  const $ = h.db.command.aggregate;
  const buckets = await h.db
    .collection(c)
    .aggregate()
    .bucket({ groupBy: '$value', boundaries: [0, 10, 30, 50], default: 'other', output: { n: $.sum(1), lo: $.min('$value') } })
    .end();
  expect(buckets.data).toEqual([
    { _id: 0, n: 10, lo: 0 },
    { _id: 10, n: 20, lo: 10 },
    { _id: 30, n: 20, lo: 30 },
  ]);
  const width = 10 * 60_000;
  const byTime = await h.db
    .collection(c)
    .aggregate()
    .addFields({ t: $.subtract([$.subtract(['$ts', new Date(0)]), $.mod([$.subtract(['$ts', new Date(0)]), width])]) })
    .group({ _id: '$t', n: $.sum(1) })
    .sort({ _id: 1 })
    .end();
  expect(byTime.data.map((b: { n: number }) => b.n)).toEqual([10, 10, 10, 10, 10]);
  expect(byTime.data[1]._id - byTime.data[0]._id).toBe(width);
});

test('$bucket follows MongoDB, not mingo: lower bound inclusive, empty buckets left out, default last', async () => {
  // mingo 7 alone puts 10 into [0, 10) and emits [30, 40) with count 0; the stand-in corrects both.
  const r = await h.db
    .collection(c)
    .aggregate()
    .match({ value: h.db.command.in([0, 9, 10, 20, 45, 49]) })
    .bucket({ groupBy: '$value', boundaries: [0, 10, 20, 30, 40], default: 'high' })
    .end();
  expect(r.data).toEqual([
    { _id: 0, count: 2 },
    { _id: 10, count: 1 },
    { _id: 20, count: 1 },
    { _id: 'high', count: 2 },
  ]);
});

test('$bucket without a default fails on a value outside the boundaries, as MongoDB does', async () => {
  const e = await rejection(
    h.db
      .collection(c)
      .aggregate()
      .bucket({ groupBy: '$value', boundaries: [0, 10] })
      .end(),
  );
  expect(e.code).toBe('DATABASE_REQUEST_FAILED');
});

test('project, unwind, sortByCount, count, skip, replaceRoot, sample, bucketAuto', async () => {
  const $ = h.db.command.aggregate;
  const tags = await h.db.collection(c).aggregate().unwind('$tags').sortByCount('$tags').end();
  expect(tags.data).toHaveLength(3);
  expect(tags.data).toEqual(
    expect.arrayContaining([
      { _id: 'odd', count: 25 },
      { _id: 'even', count: 25 },
      { _id: 'x', count: 25 },
    ]),
  );
  const counted = await h.db.collection(c).aggregate().match({ device: 'd1' }).count('n').end();
  expect(counted.data).toEqual([{ n: 10 }]);
  const projected = await h.db
    .collection(c)
    .aggregate()
    .sort({ value: -1 })
    .skip(1)
    .limit(2)
    .project({ _id: 0, v: '$value', twice: $.multiply(['$value', 2]) })
    .end();
  expect(projected.data).toEqual([
    { v: 48, twice: 96 },
    { v: 47, twice: 94 },
  ]);
  const root = await h.db
    .collection(c)
    .aggregate()
    .match({ value: 3 })
    .replaceRoot({ newRoot: { d: '$device' } })
    .end();
  expect(root.data).toEqual([{ d: 'd3' }]);
  const sample = await h.db.collection(c).aggregate().sample({ size: 4 }).end();
  expect(sample.data).toHaveLength(4);
  const auto = await h.db.collection(c).aggregate().bucketAuto({ groupBy: '$value', buckets: 5 }).end();
  expect(auto.data.map((b: { count: number }) => b.count)).toEqual([10, 10, 10, 10, 10]);
});

test('lookup joins another collection', async () => {
  const devices = await freshCollection(h.db, 'dev');
  await h.db.collection(devices).add([
    { _id: 'd0', label: 'Bed 0' },
    { _id: 'd1', label: 'Bed 1' },
  ]);
  const r = await h.db
    .collection(c)
    .aggregate()
    .match({ value: h.db.command.lt(2) })
    .lookup({ from: devices, localField: 'device', foreignField: '_id', as: 'dev' })
    .project({ _id: 0, value: 1, label: '$dev.label' })
    .end();
  expect(r.data).toEqual([
    { value: 0, label: ['Bed 0'] },
    { value: 1, label: ['Bed 1'] },
  ]);
});

test('CloudBase returns 20 results unless the pipeline has a $limit', async () => {
  expect((await h.db.collection(c).aggregate().match({}).end()).data).toHaveLength(20);
  expect((await h.db.collection(c).aggregate().sort({ value: 1 }).skip(40).end()).data).toHaveLength(10);
  expect((await h.db.collection(c).aggregate().match({}).limit(45).end()).data).toHaveLength(45);
});

test('docsRead counts the documents the pipeline outputs', async () => {
  h.server.resetStats();
  await h.db.collection(c).aggregate().group({ _id: '$device' }).end();
  expect(h.server.stats().docsRead).toBe(5);
});

describe('refused', () => {
  const stage = (stageKey: string, value: unknown) =>
    rawAction(h.server, 'database.aggregateDocuments', { collectionName: c, stages: [{ stageKey, stageValue: JSON.stringify(value) }] });

  test.each([
    ['$out', 'elsewhere'],
    ['$merge', { into: 'elsewhere' }],
    ['$facet', { a: [{ $match: {} }] }],
    ['$unionWith', { coll: 'x' }],
    ['$graphLookup', { from: 'x', startWith: '$a', connectFromField: 'a', connectToField: 'b', as: 'c' }],
    ['$setWindowFields', { output: {} }],
    ['$set', { a: 1 }],
    ['$unset', 'a'],
    ['$replaceWith', '$a'],
    ['$densify', { field: 'a', range: { step: 1 } }],
  ])('the stage %s', async (key, value) => {
    const r = await stage(key, value);
    expect(r.json).toMatchObject({ code: 'DATABASE_INVALID_OPERRATOR' });
    expect(String(r.json.message)).toContain(key);
  });

  test('a refused stage through the SDK (raw pipeline) throws', async () => {
    const agg = h.db
      .collection(c)
      .options({ raw: true })
      .aggregate([{ $match: {} }, { $out: 'copy' }]);
    expect((await rejection(agg.end())).code).toBe('DATABASE_INVALID_OPERRATOR');
  });

  test.each([
    ['$function', { $function: { body: 'function() { return 1 }', args: [], lang: 'js' } }],
    ['$accumulator', { $accumulator: {} }],
    ['$toString', { $toString: '$value' }],
    ['$where', { $where: 'true' }],
  ])('the expression operator %s', async (op, expr) => {
    const r = await stage('$addFields', { x: expr });
    expect(r.json).toMatchObject({ code: 'DATABASE_INVALID_OPERRATOR' });
    expect(String(r.json.message)).toContain(op);
  });

  test('an operator nested in a $lookup pipeline', async () => {
    const r = await stage('$lookup', { from: c, pipeline: [{ $match: { $where: 'true' } }], as: 'x' });
    expect(r.json).toMatchObject({ code: 'DATABASE_INVALID_OPERRATOR' });
  });

  test('$geoNear is CloudBase-supported but not emulated', async () => {
    const r = await stage('$geoNear', { near: { type: 'Point', coordinates: [0, 0] }, distanceField: 'd' });
    expect(r.json).toMatchObject({ code: 'STANDIN_NOT_EMULATED' });
  });
});
