/**
 * Errors the stand-in answers with, shaped the way the SDK turns them into a thrown `TcbError`.
 *
 * `@cloudbase/node-sdk/dist/utils/tcbapirequester.js` (`request()`) treats any HTTP 200 answer whose
 * JSON has a truthy `code` as a failure and throws `TcbError({ code, message, requestId })`
 * (`utils/utils.js` `processReturn`). So every database-level failure is an HTTP 200 with
 * `{ code, message, requestId }` — a non-200 status would instead surface as a numeric `code`
 * (`"500 Internal Server Error | [url]"`), which is not what CloudBase does for database errors.
 *
 * Codes are the ones CloudBase documents (docs.cloudbase.net/error-code/…, and the table of the
 * NoSQL HTTP API in docs.cloudbase.net/http-api/nosql): note the misspelt
 * `DATABASE_INVALID_OPERRATOR`, which is CloudBase's own spelling. `DATABASE_TRANSACTION_CONFLICT`
 * is the code `@cloudbase/database/dist/commonjs/transaction/index.js` (`runTransaction`) retries on.
 * `STANDIN_NOT_EMULATED` is ours: a feature CloudBase has but this stand-in does not execute, kept
 * distinct so nobody mistakes it for a CloudBase refusal.
 */
export const ErrorCode = {
  INVALID_PARAM: 'INVALID_PARAM',
  INVALID_ENV: 'INVALID_ENV',
  INVALID_OPERATOR: 'DATABASE_INVALID_OPERRATOR',
  COLLECTION_NOT_EXIST: 'DATABASE_COLLECTION_NOT_EXIST',
  COLLECTION_ALREADY_EXIST: 'DATABASE_COLLECTION_ALREADY_EXIST',
  DUPLICATE_WRITE: 'DATABASE_DUPLICATE_WRITE',
  REQUEST_FAILED: 'DATABASE_REQUEST_FAILED',
  TRANSACTION_CONFLICT: 'DATABASE_TRANSACTION_CONFLICT',
  TRANSACTION_FAIL: 'DATABASE_TRANSACTION_FAIL',
  NOT_EMULATED: 'STANDIN_NOT_EMULATED',
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export class CloudbaseError extends Error {
  constructor(
    readonly code: ErrorCodeValue,
    message: string,
  ) {
    super(message);
  }
}

export const invalidParam = (message: string) => new CloudbaseError(ErrorCode.INVALID_PARAM, message);

export const invalidOperator = (what: string, context: string) =>
  new CloudbaseError(ErrorCode.INVALID_OPERATOR, `${what} is not supported by CloudBase in ${context}`);

export const notEmulated = (what: string) =>
  new CloudbaseError(ErrorCode.NOT_EMULATED, `${what} is supported by CloudBase but not executed by this local stand-in`);

/** The message text real CloudBase gives (seen in WeChat/CloudBase error reports: "Db or Table not exist"). */
export const collectionNotExist = (name: string) =>
  new CloudbaseError(
    ErrorCode.COLLECTION_NOT_EXIST,
    `[ResourceNotFound] Db or Table not exist. Please check your request, but if the problem cannot be solved, contact us. (collection '${name}')`,
  );

export const collectionAlreadyExist = (name: string) =>
  new CloudbaseError(ErrorCode.COLLECTION_ALREADY_EXIST, `[ResourceUnavailable.ResourceExist] Table exist. (collection '${name}')`);

export const duplicateWrite = (collection: string, id: unknown) =>
  new CloudbaseError(ErrorCode.DUPLICATE_WRITE, `E11000 duplicate key error collection: ${collection} index: _id_ dup key: { _id: ${JSON.stringify(id)} }`);

export const transactionConflict = (detail: string) => new CloudbaseError(ErrorCode.TRANSACTION_CONFLICT, `database transaction conflict: ${detail}`);

export const transactionFail = (detail: string) => new CloudbaseError(ErrorCode.TRANSACTION_FAIL, detail);

/** Anything the engine itself rejects (e.g. `$inc` on a string), as CloudBase passes MongoDB's errors on. */
export const requestFailed = (message: string) => new CloudbaseError(ErrorCode.REQUEST_FAILED, message);
