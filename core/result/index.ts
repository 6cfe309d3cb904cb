/**
 * Typed results and error codes shared by every function, service and client.
 * A function never throws across its boundary: it returns `Ok` or `Err` (the shape
 * `wx.cloud.callFunction` hands to the mini program as `result`).
 */

/** Stable, machine-readable error codes. Clients switch on these, never on messages. */
export const ErrorCode = {
  BadRequest: 'BAD_REQUEST',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  RateLimited: 'RATE_LIMITED',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  Unavailable: 'UNAVAILABLE',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface Ok<T> {
  ok: true;
  data: T;
}
export interface Err {
  ok: false;
  code: ErrorCode;
  message: string;
  /** Optional structured detail, e.g. which field was wrong. */
  details?: Record<string, unknown>;
}
export type Result<T> = Ok<T> | Err;

export function ok<T>(data: T): Ok<T> {
  return { ok: true, data };
}

export function err(code: ErrorCode, message: string, details?: Record<string, unknown>): Err {
  return details === undefined ? { ok: false, code, message } : { ok: false, code, message, details };
}

/** An error with a code, thrown inside a unit and turned into an `Err` at its boundary. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
  toResult(): Err {
    return err(this.code, this.message, this.details);
  }
}

/** Turns anything thrown into an `Err`; unexpected errors become INTERNAL without leaking internals. */
export function toErr(e: unknown): Err {
  if (e instanceof AppError) return e.toResult();
  return err(ErrorCode.Internal, 'internal error');
}
