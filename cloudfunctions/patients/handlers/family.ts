/**
 * Family sharing: the owner creates a one-time invite code (valid 24 hours); another user redeems
 * it and becomes family; the owner can remove family members (access ends at once: every request
 * checks membership); family members can leave.
 */
import { AppError, err, ErrorCode, ok } from '../../../core';
import { patients as contract } from '../../../core/api/contract/patients';
import { newInviteCode } from '../../../backend/ids';
import { accessChanged, ANY_ROLE, OWNER, requireRole } from '../../../backend/runtime/access';
import { typed } from '../../../backend/runtime/handler';
import { requireUser } from '../../../backend/runtime/users';

export const INVITE_TTL_MS = 24 * 3_600_000;

export const members = typed(contract.members, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  await requireRole(deps, input.patientId, user.id, ANY_ROLE);
  return ok(await deps.store.members(input.patientId));
});

export const createInvite = typed(contract.createInvite, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  await requireRole(deps, input.patientId, user.id, OWNER);
  const now = deps.now();
  const invite = { code: newInviteCode(), patientId: input.patientId, createdBy: user.id, createdAt: now, expiresAt: now + INVITE_TTL_MS };
  await deps.store.createInvite(invite);
  return ok({ code: invite.code, patientId: invite.patientId, expiresAt: invite.expiresAt });
});

export const redeemInvite = typed(contract.redeemInvite, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const r = await deps.store.redeemInvite(input.code, user.id, deps.now());
  switch (r.outcome) {
    case 'joined':
    case 'already-member': {
      // The store names the patient with these two outcomes.
      const patientId = r.patientId ?? '';
      return ok({ patientId, role: (await deps.store.roleOf(patientId, user.id)) ?? 'family', joined: r.outcome === 'joined' });
    }
    case 'unknown':
      return err(ErrorCode.NotFound, 'no such invite code');
    case 'used':
      return err(ErrorCode.Conflict, 'this invite code has already been used');
    case 'expired':
      return err(ErrorCode.Conflict, 'this invite code has expired; ask for a new one');
  }
});

export const removeMember = typed(contract.removeMember, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  await requireRole(deps, input.patientId, user.id, OWNER);
  if (input.userId === user.id) return err(ErrorCode.BadRequest, 'the owner cannot be removed');
  if (!(await deps.store.removeMember(input.patientId, input.userId))) {
    throw new AppError(ErrorCode.NotFound, 'no such family member');
  }
  await accessChanged(deps, [input.userId]);
  return ok({ removed: input.userId });
});

export const leave = typed(contract.leave, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const role = await requireRole(deps, input.patientId, user.id, ANY_ROLE);
  if (role === 'owner') return err(ErrorCode.BadRequest, 'the owner cannot leave their own patient');
  await deps.store.removeMember(input.patientId, user.id);
  await accessChanged(deps, [user.id]);
  return ok({ left: input.patientId });
});
