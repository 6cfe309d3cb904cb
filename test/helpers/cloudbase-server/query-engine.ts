/**
 * Executes CloudBase's MongoDB-dialect queries, updates and pipelines with mingo (a pure-JS
 * MongoDB query engine). Everything reaching here has been checked against CloudBase's operator
 * lists (operators.ts); `scriptEnabled: false` is a second fence against `$where`/`$function`.
 * mingo's own errors (e.g. `$inc` on a string) surface as DATABASE_REQUEST_FAILED, as CloudBase
 * passes MongoDB's errors on.
 */
import { Aggregator, type find as mingoFind, ProcessingMode, Query, update as mingoUpdate } from 'mingo';
import { requestFailed } from './errors';
import { type Doc, deepClone } from './ejson';

export type Resolver = (collection: string) => Doc[];
/** mingo's options (its `Options` type is not exported from the package's entry point). */
type Options = NonNullable<Parameters<typeof mingoFind>[3]>;

const baseOptions = (resolver?: Resolver): Options => ({
  scriptEnabled: false,
  processingMode: ProcessingMode.CLONE_INPUT,
  ...(resolver ? { collectionResolver: resolver } : {}),
});

function engine<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    throw requestFailed(e instanceof Error ? e.message : String(e));
  }
}

export function matches(docs: Doc[], query: Doc): Doc[] {
  return engine(() => {
    const q = new Query(query, baseOptions());
    return docs.filter((d) => q.test(d));
  });
}

export interface FindOptions {
  order?: Record<string, 1 | -1>;
  offset: number;
  limit: number;
  projection?: Doc;
}

export function find(docs: Doc[], query: Doc, opts: FindOptions): Doc[] {
  return engine(() => {
    let cursor = new Query(query, baseOptions()).find<Doc>(docs, opts.projection);
    if (opts.order && Object.keys(opts.order).length) cursor = cursor.sort(opts.order);
    // The results are only serialised, never mutated, so the stored objects need no copy.
    return cursor.skip(opts.offset).limit(opts.limit).all();
  });
}

/**
 * Applies update operators to a copy of `doc`. `condition` is the query that selected the document,
 * which the positional `$` path segment needs. Returns null when nothing changed (CloudBase, like
 * MongoDB's nModified, does not count an update that leaves the document as it was).
 */
export function applyUpdate(doc: Doc, update: Doc, condition: Doc): Doc | null {
  return engine(() => {
    const copy = deepClone(doc);
    const changed = mingoUpdate(copy, update, undefined, condition, { cloneMode: 'deep' });
    return changed.length ? copy : null;
  });
}

export function aggregate(docs: Doc[], pipeline: Doc[], resolver: Resolver): Doc[] {
  // CLONE_INPUT: stages like $addFields must not write into the stored documents.
  return engine(() => new Aggregator(pipeline, baseOptions(resolver)).run<Doc>(docs));
}
