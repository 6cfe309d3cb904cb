/**
 * Runs an aggregate pipeline on mingo, except `$bucket`, which mingo 7 gets wrong in two ways that
 * matter for time-bucketed histories: a value equal to an inner boundary lands in the bucket
 * *below* it, and empty buckets are emitted with count 0. MongoDB (docs: $bucket) puts a value in
 * the bucket whose lower bound is inclusive and upper bound exclusive, emits only non-empty
 * buckets in boundary order (the default bucket last), and fails when a value is out of range
 * and no `default` is given. The stand-in computes each document's bucket with `$switch`
 * (mingo's expression engine, so comparisons follow BSON order) and groups on that.
 */
import { requestFailed, invalidParam } from './errors';
import { type Doc, isPlainObject } from './ejson';
import { aggregate, type Resolver } from './query-engine';

const BUCKET_FIELD = '__standin_bucket';

export function runPipeline(docs: Doc[], pipeline: Doc[], resolver: Resolver): Doc[] {
  let current = docs;
  let segment: Doc[] = [];
  const flush = () => {
    if (segment.length) current = aggregate(current, segment, resolver);
    segment = [];
  };
  for (const stage of pipeline) {
    if (!('$bucket' in stage)) {
      segment.push(stage);
      continue;
    }
    flush();
    current = bucket(current, stage.$bucket, resolver);
  }
  flush();
  return current;
}

function bucket(docs: Doc[], spec: unknown, resolver: Resolver): Doc[] {
  if (!isPlainObject(spec) || !Array.isArray(spec.boundaries) || spec.boundaries.length < 2) {
    throw invalidParam('$bucket needs groupBy and at least two boundaries');
  }
  const bounds = spec.boundaries;
  const hasDefault = spec.default !== undefined;
  const branches = bounds.slice(0, -1).map((lower, i) => ({
    case: { $and: [{ $gte: [spec.groupBy, { $literal: lower }] }, { $lt: [spec.groupBy, { $literal: bounds[i + 1] }] }] },
    // biome-ignore lint/suspicious/noThenProperty: `$switch`'s branch field is named `then` (MongoDB aggregation)
    then: i,
  }));
  const outside = hasDefault ? bounds.length - 1 : -1;
  const tagged = aggregate(docs, [{ $addFields: { [BUCKET_FIELD]: { $switch: { branches, default: outside } } } }], resolver);
  if (tagged.some((d) => d[BUCKET_FIELD] === -1)) {
    throw requestFailed('$bucket could not find a matching branch for an input, and no default was specified');
  }
  const keys = [...bounds.slice(0, -1), ...(hasDefault ? [spec.default] : [])];
  const output = isPlainObject(spec.output) ? spec.output : { count: { $sum: 1 } };
  const groups = aggregate(tagged, [{ $group: { _id: `$${BUCKET_FIELD}`, ...output } }, { $sort: { _id: 1 } }], resolver);
  return groups.map(({ _id, ...rest }) => ({ _id: keys[_id as number], ...rest }));
}
