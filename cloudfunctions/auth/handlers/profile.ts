/**
 * `updateProfile {name?, avatarUrl?}`: the signed-in user changes their own display name and/or
 * avatar (WeChat's avatar and nickname fill-in). Only the caller's record changes; the event names
 * no user.
 */
import { err, ErrorCode, ok } from '../../../core';
import type { UserProfilePatch } from '../../../core/api';
import type { Handler } from '../../../backend/runtime/handler';
import { requireUser } from '../../../backend/runtime/users';
import { avatarProblem, displayName, NAME_RULE } from '../rules';

export const updateProfile: Handler = async ({ event, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const patch: UserProfilePatch = {};
  if (event.name !== undefined) {
    const name = displayName(event.name);
    if (name === undefined) return err(ErrorCode.BadRequest, NAME_RULE);
    patch.name = name;
  }
  if (event.avatarUrl !== undefined) {
    const problem = avatarProblem(event.avatarUrl, user.id);
    if (problem) return err(ErrorCode.BadRequest, problem);
    patch.avatarUrl = event.avatarUrl as string;
  }
  if (patch.name === undefined && patch.avatarUrl === undefined) return err(ErrorCode.BadRequest, 'give "name", "avatarUrl" or both');
  const updated = await deps.store.updateUser(user.id, patch);
  if (!updated) return err(ErrorCode.Unauthenticated, 'unknown user: call auth.login first');
  return ok(updated);
};
