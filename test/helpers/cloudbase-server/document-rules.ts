/**
 * What a stored document may look like on CloudBase's document database (MongoDB underneath —
 * docs.cloudbase.net/database/intro/introduce-db "基于腾讯云 MongoDB 服务构建"):
 * - field names never start with `$` and never contain `.` (a `.` is a path separator in queries and
 *   updates, `$` marks operators); updates address nested fields with dotted *paths* instead;
 * - `_id` is a string or a number (what `collection.doc(id)` accepts, `collection.js`) and never changes;
 * - a document is at most 16 MiB as BSON — "单条记录大小受底层 BSON 限制，不超过 16mb" (a CloudBase
 *   engineer on developers.weixin.qq.com/community, 2021-03-31), MongoDB's own limit.
 */
import { invalidParam } from './errors';
import { type Doc, isPlainObject } from './ejson';

export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

export function checkFieldNames(value: unknown, where: string): void {
  if (Array.isArray(value)) {
    value.forEach((x) => checkFieldNames(x, where));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, x] of Object.entries(value)) {
    if (key.startsWith('$')) throw invalidParam(`field name '${key}' in ${where} must not start with '$'`);
    if (key.includes('.')) throw invalidParam(`field name '${key}' in ${where} must not contain '.'`);
    checkFieldNames(x, where);
  }
}

export function checkId(id: unknown): void {
  const ok = (typeof id === 'string' && id.length > 0) || (typeof id === 'number' && Number.isFinite(id));
  if (!ok) throw invalidParam(`_id must be a non-empty string or a finite number, got ${JSON.stringify(id)}`);
}

export function checkSize(doc: Doc): void {
  const bytes = bsonSize(doc);
  if (bytes > MAX_DOCUMENT_BYTES) {
    throw invalidParam(`document ${JSON.stringify(doc._id)} is ${bytes} bytes as BSON, over the ${MAX_DOCUMENT_BYTES}-byte limit`);
  }
}

/** A complete stored document: legal names, legal `_id`, within the size limit. */
export function checkDocument(doc: Doc, where: string): void {
  checkFieldNames(doc, where);
  checkId(doc._id);
  checkSize(doc);
}

/**
 * BSON size as MongoDB would count it (bsonspec.org): a document is int32 length + elements + NUL;
 * an element is a type byte + the key as a C string + the value. JS integers in int32 range are
 * int32 (the SDK sends them as `$numberInt`), other numbers doubles.
 */
export function bsonSize(doc: Doc | unknown[]): number {
  let size = 5;
  const entries: Array<[string, unknown]> = Array.isArray(doc) ? doc.map((v, i) => [String(i), v]) : Object.entries(doc);
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    size += 1 + Buffer.byteLength(key) + 1 + valueSize(value);
  }
  return size;
}

function valueSize(v: unknown): number {
  if (v === null || typeof v === 'boolean') return v === null ? 0 : 1;
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) <= 2147483647 ? 4 : 8;
  if (typeof v === 'string') return 4 + Buffer.byteLength(v) + 1;
  if (v instanceof Date) return 8;
  if (v instanceof RegExp) return Buffer.byteLength(v.source) + 1 + v.flags.length + 1;
  if (Array.isArray(v) || isPlainObject(v)) return bsonSize(v);
  return 0;
}
