/** `patients`: profiles, family sharing with invite codes, members. */
import * as v from 'valibot';
import type { InviteCreated, InviteRedeemed, MemberRecord, PatientDetail, PatientRecord, PatientSummary, Sex } from '..';
import { INVITE_CODE_LENGTH } from '../../codes';
import { action } from './define';
import { code, empty, id } from './fields';

const SEXES: readonly Sex[] = ['female', 'male', 'other', 'unknown'];

/**
 * The profile's fields by type. Lengths, dates and defaults are checked where the profile is built
 * (`cloudfunctions/patients/profile.ts`, which also needs the clock and, for updates, the stored
 * profile); the function hands it the event, so fields checked only there still reach it.
 */
const profileFields = {
  birthDate: v.optional(v.nullable(v.string('must be YYYY-MM-DD'))),
  sex: v.optional(v.picklist(SEXES, `must be one of ${SEXES.join(', ')}`)),
  notes: v.optional(v.string()),
};

export const patients = {
  create: action<PatientSummary>()(v.object({ name: v.string(), ...profileFields })),
  list: action<PatientSummary[]>()(empty),
  get: action<PatientDetail>()(v.object({ patientId: id })),
  update: action<PatientRecord>()(v.object({ patientId: id, name: v.optional(v.string()), ...profileFields })),
  members: action<MemberRecord[]>()(v.object({ patientId: id })),
  createInvite: action<InviteCreated>()(v.object({ patientId: id })),
  redeemInvite: action<InviteRedeemed>()(v.object({ code: code(INVITE_CODE_LENGTH, 'invite code') })),
  removeMember: action<{ removed: string }>()(v.object({ patientId: id, userId: id })),
  leave: action<{ left: string }>()(v.object({ patientId: id })),
};
