/** Resolving the calling person to their user record, for handlers that act on a user's behalf. */
import { AppError, ErrorCode } from '../../core';
import type { UserRecord } from '../store/types';
import type { Caller } from './context';
import type { FunctionDeps } from './deps';

/** The caller's user record; UNAUTHENTICATED for anyone who is not a signed-in person. */
export async function requireUser(caller: Caller, deps: FunctionDeps): Promise<UserRecord> {
  if (caller.kind !== 'user') throw new AppError(ErrorCode.Unauthenticated, 'sign in first');
  const user = await deps.store.findUserByOpenid(caller.openid);
  if (!user) throw new AppError(ErrorCode.Unauthenticated, 'unknown user: call auth.login first');
  return user;
}
