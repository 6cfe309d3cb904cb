/**
 * Family sharing: the owner creates a one-time invite code (valid 24 hours); another user redeems
 * it and becomes family; the owner can remove family members (access ends at once: every request
 * checks membership); family members can leave.
 */
import { AppError, err, ErrorCode, ok } from '../../../core';
import { INVITE_CODE_LENGTH, isCode, normalizeCode } from '../../../core/codes';
import { newInviteCode } from '../../../backend/ids';
import { accessChanged, ANY_ROLE, OWNER, requireRole } from '../../../backend/runtime/access';
import type { Handler } from '../../../backend/runtime/handler';
import { requireUser } from '../../../backend/runtime/users';

export const INVITE_TTL_MS = 24 * 3_600_000;

export const members: Handler = async ({ event, caller, deps }) => {
  const user = await requireUser(caller, deps);
  await requireRole(deps, event.patientId, user.id, ANY_ROLE);
  return ok(await deps.store.members(event.patientId as string));
};

export const createInvite: Handler = async ({ event, caller, deps }) => {
  const user = await requireUser(caller, deps);
  await requireRole(deps, event.patientId, user.id, OWNER);
  const now = deps.now();
  const invite = { code: newInviteCode(), patientId: event.patientId as string, createdBy: user.id, createdAt: now, expiresAt: now + INVITE_TTL_MS };
  await deps.store.createInvite(invite);
  return ok({ code: invite.code, patientId: invite.patientId, expiresAt: invite.expiresAt });
};

export const redeemInvite: Handler = async ({ event, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const code = typeof event.code === 'string' ? normalizeCode(event.code) : '';
  if (!isCode(code, INVITE_CODE_LENGTH)) return err(ErrorCode.BadRequest, `"code" must be the ${INVITE_CODE_LENGTH}-character invite code`);
  const r = await deps.store.redeemInvite(code, user.id, deps.now());
  switch (r.outcome) {
    case 'joined':
    case 'already-member':
      return ok({ patientId: r.patientId, role: (await deps.store.roleOf(r.patientId as string, user.id)) ?? 'family', joined: r.outcome === 'joined' });
    case 'unknown':
      return err(ErrorCode.NotFound, 'no such invite code');
    case 'used':
      return err(ErrorCode.Conflict, 'this invite code has already been used');
    case 'expired':
      return err(ErrorCode.Conflict, 'this invite code has expired; ask for a new one');
  }
};

export const removeMember: Handler = async ({ event, caller, deps }) => {
  const user = await requireUser(caller, deps);
  await requireRole(deps, event.patientId, user.id, OWNER);
  if (typeof event.userId !== 'string') return err(ErrorCode.BadRequest, '"userId" is required');
  if (event.userId === user.id) return err(ErrorCode.BadRequest, 'the owner cannot be removed');
  if (!(await deps.store.removeMember(event.patientId as string, event.userId))) {
    throw new AppError(ErrorCode.NotFound, 'no such family member');
  }
  await accessChanged(deps, [event.userId]);
  return ok({ removed: event.userId });
};

export const leave: Handler = async ({ event, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const role = await requireRole(deps, event.patientId, user.id, ANY_ROLE);
  if (role === 'owner') return err(ErrorCode.BadRequest, 'the owner cannot leave their own patient');
  await deps.store.removeMember(event.patientId as string, user.id);
  await accessChanged(deps, [user.id]);
  return ok({ left: event.patientId });
};
