/**
 * The operator allow-lists (test/helpers/cloudbase-server/operators.ts) against what the installed
 * SDK can encode, and refusals of everything else — MongoDB operators mingo would happily run.
 */
import {
  AGGREGATE_STAGES,
  EXPRESSION_OPERATORS,
  GEO_QUERY_OPERATORS,
  PROJECTION_OPERATORS,
  QUERY_OPERATORS,
  UPDATE_OPERATORS,
} from '../helpers/cloudbase-server/operators';
import { freshCollection, modOf, rawAction, rejection, useStandIn } from './harness';

const { operatorToString } = require('@cloudbase/database/dist/commonjs/operator-map');
const { QUERY_COMMANDS_LITERAL } = require('@cloudbase/database/dist/commonjs/commands/query');
const { LOGIC_COMMANDS_LITERAL } = require('@cloudbase/database/dist/commonjs/commands/logic');
const { UPDATE_COMMANDS_LITERAL } = require('@cloudbase/database/dist/commonjs/commands/update');
const sdkCommand = require('@cloudbase/database/dist/commonjs/command').Command;
const sdkAggregation = require('@cloudbase/database/dist/commonjs/aggregate').default;

describe('the allow-lists match what @cloudbase/database can encode', () => {
  test('query, logic and update commands (commands/*.js through operator-map.js operatorToString)', () => {
    const encode = (literals: Record<string, string>) => Object.values(literals).map((v) => operatorToString(v) as string);
    // geoNear is encoded as $nearSphere by serializer/query.js, not as the mapped name.
    const query = encode(QUERY_COMMANDS_LITERAL).map((op) => (op === '$geoNear' ? '$nearSphere' : op));
    const logic = encode(LOGIC_COMMANDS_LITERAL);
    const update = encode(UPDATE_COMMANDS_LITERAL);
    expect(new Set(update)).toEqual(UPDATE_OPERATORS);
    expect(new Set([...query, ...logic, '$expr'])).toEqual(new Set([...QUERY_OPERATORS, ...GEO_QUERY_OPERATORS]));
  });

  test('aggregation expression operators (command.js Command.aggregate)', () => {
    const sdk = Object.keys(sdkCommand.aggregate)
      .filter((k) => k !== 'pipeline')
      .map((k) => (k === 'neq' ? '$ne' : `$${k}`));
    expect(new Set(sdk)).toEqual(EXPRESSION_OPERATORS);
  });

  test('projection operators (command.js Command.project)', () => {
    expect(new Set(Object.keys(sdkCommand.project).map((k) => `$${k}`))).toEqual(PROJECTION_OPERATORS);
  });

  test('aggregate stages (aggregate.js methods)', () => {
    const internal = new Set(['constructor', 'end', 'unwrap', 'done', '_pipe']);
    const methods = Object.getOwnPropertyNames(sdkAggregation.prototype).filter((m) => !internal.has(m));
    expect(new Set(methods.map((m) => `$${m}`))).toEqual(AGGREGATE_STAGES);
  });
});

describe('queries', () => {
  const h = useStandIn();
  let c: string;
  beforeAll(async () => {
    c = await freshCollection(h.db, 'ops');
    await h.db.collection(c).add([
      { a: 1, b: 2, arr: [1, 2, 3], s: 'x' },
      { a: 5, b: 2, arr: [4], s: 'y' },
    ]);
  });

  test('every operator the SDK offers runs', async () => {
    const _ = h.db.command;
    const $ = _.aggregate;
    const count = async (q: Record<string, unknown> | object) =>
      (
        await h.db
          .collection(c)
          .where(q as Record<string, unknown>)
          .count()
      ).total;
    expect(await count({ a: _.eq(1) })).toBe(1);
    expect(await count({ a: _.neq(1) })).toBe(1);
    expect(await count({ a: _.gt(1).and(_.lte(5)) })).toBe(1);
    expect(await count({ a: _.in([1, 5]), s: _.nin(['y']) })).toBe(1);
    expect(await count({ arr: _.all([1, 2]) })).toBe(1);
    expect(await count({ arr: _.elemMatch(_.gt(3)) })).toBe(1);
    expect(await count({ arr: _.size(1) })).toBe(1);
    expect(await count({ missing: _.exists(false) })).toBe(2);
    expect(await count({ a: modOf(h.db, 2, 1) })).toBe(2);
    expect(await count(_.nor([{ a: 1 }]))).toBe(1);
    expect(await count({ a: _.not(_.eq(1)) })).toBe(1);
    expect(await count(_.expr($.gt(['$a', '$b'])))).toBe(1);
  });

  test('projection operators run', async () => {
    const r = await h.db
      .collection(c)
      .where({ a: 1 })
      .field({ arr: h.db.command.project.slice(2), _id: false })
      .get();
    expect(r.data).toEqual([{ arr: [1, 2] }]);
  });

  test.each([
    ['$where', { $where: 'this.a > 1' }],
    ['$regex', { s: { $regex: 'x' } }],
    ['$type', { a: { $type: 'number' } }],
    ['$text', { $text: { $search: 'x' } }],
    ['$jsonSchema', { $jsonSchema: {} }],
    ['$bitsAllSet', { a: { $bitsAllSet: 1 } }],
    ['$function', { $expr: { $function: { body: 'function() { return true }', args: [], lang: 'js' } } }],
    ['$where (inside $or)', { $or: [{ a: 1 }, { $where: 'true' }] }],
    ['$where (inside $elemMatch)', { arr: { $elemMatch: { $where: 'true' } } }],
  ])('%s is refused', async (_name, query) => {
    const r = await rawAction(h.server, 'database.getDocument', { collectionName: c, queryType: 'WHERE', query: JSON.stringify(query), limit: 10 });
    expect(r.json).toMatchObject({ code: 'DATABASE_INVALID_OPERRATOR' });
  });

  test('$where reaches the server through the SDK (where() passes $-keys through) and is refused there', async () => {
    expect(
      (
        await rejection(
          h.db
            .collection(c)
            .where({ $where: 'this.a > 1' } as Record<string, unknown>)
            .get(),
        )
      ).code,
    ).toBe('DATABASE_INVALID_OPERRATOR');
  });

  test('the same checks guard count, update, remove and updateAndReturn', async () => {
    const where = { $where: 'true' } as Record<string, unknown>;
    for (const call of [
      () => h.db.collection(c).where(where).count(),
      () => h.db.collection(c).where(where).update({ x: 1 }),
      () => h.db.collection(c).where(where).remove(),
      () => h.db.collection(c).where(where).updateAndReturn({ x: 1 }),
    ]) {
      expect((await rejection(call())).code).toBe('DATABASE_INVALID_OPERRATOR');
    }
    expect(h.server.documents(c)).toHaveLength(2);
  });

  test('geo queries are CloudBase features the stand-in does not execute', async () => {
    const _ = h.db.command;
    const near = { a: _.geoNear({ geometry: new h.db.Geo.Point(0, 0), maxDistance: 10 }) };
    expect((await rejection(h.db.collection(c).where(near).get())).code).toBe('STANDIN_NOT_EMULATED');
  });

  test('EJSON types the stand-in does not store are refused, not mis-stored', async () => {
    const r = await rawAction(h.server, 'database.insertDocument', { collectionName: c, data: [JSON.stringify({ d: { $numberDecimal: '1.5' } })] });
    expect(r.json).toMatchObject({ code: 'STANDIN_NOT_EMULATED' });
    expect((await rejection(h.db.collection(c).add({ ref: h.db.ObjectId({ id: '5f0000000000000000000000' }) }))).code).toBe('STANDIN_NOT_EMULATED');
  });
});
