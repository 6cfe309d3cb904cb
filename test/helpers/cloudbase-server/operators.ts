/**
 * Which MongoDB operators CloudBase accepts, and the checks that refuse the rest before mingo
 * (which knows far more operators, `$where` and `$function` included) ever sees them.
 *
 * The lists are what `@cloudbase/database` 1.4.3 can encode, i.e. what CloudBase documents:
 * - query and update operators: `operator-map.js` over `commands/query.js`, `commands/logic.js`,
 *   `commands/update.js` (`neq` → `$ne`, `remove` → `$unset`, `shift`/`pop` → `$pop`,
 *   `unshift`/`push` → `$push`), plus `command.js` `expr` (`$expr`);
 * - push modifiers: `command.js` `push({ each, position, sort, slice })`;
 * - aggregation expression operators: `command.js` `Command.aggregate.*` (`neq` → `$ne`);
 * - projection operators: `command.js` `Command.project.*`;
 * - stages: `aggregate.js` methods = the CloudBase aggregate documentation's stage list.
 * `test/cloudbase-server/operators.test.ts` cross-checks these lists against the installed SDK.
 */
import { invalidOperator, notEmulated, invalidParam } from './errors';
import { isPlainObject } from './ejson';
import { checkFieldNames } from './document-rules';

export const QUERY_OPERATORS = new Set([
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$all',
  '$elemMatch',
  '$exists',
  '$size',
  '$mod',
  '$and',
  '$or',
  '$nor',
  '$not',
  '$expr',
]);
/** Encoded by `geoNear` / `geoWithin` / `geoIntersects` (serializer/query.js); mingo has no geo support. */
export const GEO_QUERY_OPERATORS = new Set(['$nearSphere', '$geoWithin', '$geoIntersects']);

export const UPDATE_OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$push',
  '$pull',
  '$pullAll',
  '$pop',
  '$addToSet',
  '$bit',
  '$rename',
  '$max',
  '$min',
]);
const PUSH_MODIFIERS = new Set(['$each', '$position', '$sort', '$slice']);
const ADD_TO_SET_MODIFIERS = new Set(['$each']);

export const EXPRESSION_OPERATORS = new Set(
  [
    'abs',
    'add',
    'ceil',
    'divide',
    'exp',
    'floor',
    'ln',
    'log',
    'log10',
    'mod',
    'multiply',
    'pow',
    'sqrt',
    'subtract',
    'trunc',
    'arrayElemAt',
    'arrayToObject',
    'concatArrays',
    'filter',
    'in',
    'indexOfArray',
    'isArray',
    'map',
    'range',
    'reduce',
    'reverseArray',
    'size',
    'slice',
    'zip',
    'and',
    'not',
    'or',
    'cmp',
    'eq',
    'gt',
    'gte',
    'lt',
    'lte',
    'ne',
    'cond',
    'ifNull',
    'switch',
    'dateFromParts',
    'dateFromString',
    'dayOfMonth',
    'dayOfWeek',
    'dayOfYear',
    'isoDayOfWeek',
    'isoWeek',
    'isoWeekYear',
    'millisecond',
    'minute',
    'month',
    'second',
    'hour',
    'week',
    'year',
    'literal',
    'mergeObjects',
    'objectToArray',
    'allElementsTrue',
    'anyElementTrue',
    'setDifference',
    'setEquals',
    'setIntersection',
    'setIsSubset',
    'setUnion',
    'concat',
    'dateToString',
    'indexOfBytes',
    'indexOfCP',
    'split',
    'strLenBytes',
    'strLenCP',
    'strcasecmp',
    'substr',
    'substrBytes',
    'substrCP',
    'toLower',
    'toUpper',
    'meta',
    'addToSet',
    'avg',
    'first',
    'last',
    'max',
    'min',
    'push',
    'stdDevPop',
    'stdDevSamp',
    'sum',
    'let',
  ].map((name) => `$${name}`),
);
export const PROJECTION_OPERATORS = new Set(['$slice', '$elemMatch']);

export const AGGREGATE_STAGES = new Set([
  '$addFields',
  '$bucket',
  '$bucketAuto',
  '$count',
  '$geoNear',
  '$group',
  '$limit',
  '$lookup',
  '$match',
  '$project',
  '$replaceRoot',
  '$sample',
  '$skip',
  '$sort',
  '$sortByCount',
  '$unwind',
]);

// ---- queries ------------------------------------------------------------------------------------

export function checkQuery(query: unknown): void {
  if (!isPlainObject(query)) throw invalidParam('a query must be an object');
  for (const [key, value] of Object.entries(query)) {
    if (key.startsWith('$')) checkQueryOperator(key, value);
    else checkFieldCondition(value);
  }
}

/** The value given for one field: a literal, or an object of operators. */
function checkFieldCondition(value: unknown): void {
  if (!isPlainObject(value)) return;
  for (const [key, inner] of Object.entries(value)) if (key.startsWith('$')) checkQueryOperator(key, inner);
}

function checkQueryOperator(op: string, value: unknown): void {
  if (GEO_QUERY_OPERATORS.has(op)) throw notEmulated(`the geo query operator ${op}`);
  if (!QUERY_OPERATORS.has(op)) throw invalidOperator(`query operator ${op}`, 'queries');
  if (op === '$and' || op === '$or' || op === '$nor') {
    if (!Array.isArray(value)) throw invalidParam(`${op} needs an array`);
    value.forEach(checkQuery);
  } else if (op === '$not') checkFieldCondition(value);
  else if (op === '$elemMatch') checkQuery(value);
  else if (op === '$expr') checkExpression(value);
}

// ---- aggregation expressions --------------------------------------------------------------------

export function checkExpression(expr: unknown, extra: ReadonlySet<string> = EMPTY): void {
  if (Array.isArray(expr)) {
    expr.forEach((e) => checkExpression(e, extra));
    return;
  }
  if (!isPlainObject(expr)) return;
  for (const [key, value] of Object.entries(expr)) {
    if (!key.startsWith('$')) {
      checkExpression(value, extra);
      continue;
    }
    if (!EXPRESSION_OPERATORS.has(key) && !extra.has(key)) throw invalidOperator(`aggregation operator ${key}`, 'aggregation expressions');
    if (key !== '$literal') checkExpression(value, extra);
  }
}
const EMPTY: ReadonlySet<string> = new Set();

export function checkProjection(projection: unknown): void {
  if (!isPlainObject(projection)) throw invalidParam('a projection must be an object');
  checkExpression(projection, PROJECTION_OPERATORS);
}

// ---- aggregate pipelines ------------------------------------------------------------------------

export function checkPipeline(stages: unknown[]): void {
  for (const stage of stages) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) throw invalidParam('an aggregate stage must have exactly one key');
    const [name, spec] = Object.entries(stage)[0];
    checkStage(name, spec);
  }
}

function checkStage(name: string, spec: unknown): void {
  if (!AGGREGATE_STAGES.has(name)) throw invalidOperator(`aggregate stage ${name}`, 'aggregate pipelines');
  if (name === '$geoNear') throw notEmulated('the aggregate stage $geoNear');
  if (name === '$match') checkQuery(spec);
  else if (name === '$lookup') checkLookup(spec);
  else if (name === '$project') checkProjection(spec);
  else checkExpression(spec);
}

function checkLookup(spec: unknown): void {
  if (!isPlainObject(spec)) throw invalidParam('$lookup needs an object');
  if (spec.let !== undefined) checkExpression(spec.let);
  if (spec.pipeline !== undefined) {
    if (!Array.isArray(spec.pipeline)) throw invalidParam('$lookup.pipeline must be an array');
    checkPipeline(spec.pipeline);
  }
}

// ---- updates ------------------------------------------------------------------------------------

/** `update()` data: operators only (the SDK flattens plain fields into `$set` with dotted paths). */
export function checkUpdate(update: unknown): Record<string, Record<string, unknown>> {
  if (!isPlainObject(update) || Object.keys(update).length === 0) throw invalidParam('update data must be a non-empty object');
  for (const [op, fields] of Object.entries(update)) {
    if (!op.startsWith('$')) throw invalidParam(`update data mixes operators and the plain field '${op}'`);
    if (!UPDATE_OPERATORS.has(op)) throw invalidOperator(`update operator ${op}`, 'updates');
    if (!isPlainObject(fields)) throw invalidParam(`${op} needs an object of field paths`);
    for (const [path, value] of Object.entries(fields)) checkUpdateField(op, path, value);
  }
  return update as Record<string, Record<string, unknown>>;
}

function checkUpdateField(op: string, path: string, value: unknown): void {
  checkUpdatePath(path);
  if (op === '$rename') {
    if (typeof value !== 'string') throw invalidParam('$rename needs the new field path as a string');
    checkUpdatePath(value);
  } else if (op === '$pull') checkFieldCondition(value);
  else if ((op === '$push' || op === '$addToSet') && hasOperatorKeys(value)) checkModifiers(op, value);
  else checkFieldNames(value, `${op} '${path}'`);
}

const hasOperatorKeys = (v: unknown): v is Record<string, unknown> => isPlainObject(v) && Object.keys(v).some((k) => k.startsWith('$'));

function checkModifiers(op: string, value: Record<string, unknown>): void {
  const allowed = op === '$push' ? PUSH_MODIFIERS : ADD_TO_SET_MODIFIERS;
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) throw invalidOperator(`${op} modifier ${key}`, 'updates');
  }
  checkFieldNames(value.$each, `${op} $each`);
}

/** Dotted path of an update: never `_id`, segments never empty, `$` only as a positional marker. */
export function checkUpdatePath(path: string): void {
  const segments = path.split('.');
  if (segments[0] === '_id') throw invalidParam(`the field '_id' cannot be updated (path '${path}')`);
  for (const segment of segments) {
    if (segment === '') throw invalidParam(`update path '${path}' has an empty segment`);
    const positional = segment === '$' || segment === '$[]' || /^\$\[[a-z][A-Za-z0-9]*\]$/.test(segment);
    if (segment.startsWith('$') && !positional) throw invalidParam(`update path '${path}' has the segment '${segment}'`);
  }
}
