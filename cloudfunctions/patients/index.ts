/** `patients`: profiles, family sharing with invite codes, members. */
import { patients } from '../../core/api/contract/patients';
import { defineFunction } from '../../backend/runtime/handler';
import { createInvite, leave, members, redeemInvite, removeMember } from './handlers/family';
import { create, get, list, update } from './handlers/profile';

const fn = defineFunction('patients', {
  contract: patients,
  actions: { create, list, get, update, members, createInvite, redeemInvite, removeMember, leave },
  defaultAction: 'list',
  allow: ['user'],
});
export const createHandler = fn.createHandler;
export const main = fn.main;
