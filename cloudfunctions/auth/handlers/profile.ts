/**
 * `updateProfile {name?, avatarUrl?}`: the signed-in user changes their own display name and/or
 * avatar (WeChat's avatar and nickname fill-in). Only the caller's record changes; the event names
 * no user.
 */
import { err, ErrorCode, ok } from '../../../core';
import type { UserProfilePatch } from '../../../core/api';
import { auth as contract } from '../../../core/api/contract/auth';
import { typed } from '../../../backend/runtime/handler';
import { requireUser } from '../../../backend/runtime/users';
import { avatarProblem } from '../rules';

export const updateProfile = typed(contract.updateProfile, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const patch: UserProfilePatch = {};
  if (input.name !== undefined) patch.name = input.name;
  if (input.avatarUrl !== undefined) {
    const problem = avatarProblem(input.avatarUrl, user.id);
    if (problem) return err(ErrorCode.BadRequest, problem);
    patch.avatarUrl = input.avatarUrl;
  }
  if (patch.name === undefined && patch.avatarUrl === undefined) return err(ErrorCode.BadRequest, 'give "name", "avatarUrl" or both');
  const updated = await deps.store.updateUser(user.id, patch);
  if (!updated) return err(ErrorCode.Unauthenticated, 'unknown user: call auth.login first');
  return ok(updated);
});
