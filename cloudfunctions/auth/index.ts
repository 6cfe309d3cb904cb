/** `auth`: sign in, who am I, change my name and avatar, sign out. */
import { auth } from '../../core/api/contract/auth';
import { defineFunction } from '../../backend/runtime/handler';
import { login, logout } from './handlers/login';
import { me } from './handlers/me';
import { updateProfile } from './handlers/profile';

const fn = defineFunction('auth', {
  contract: auth,
  actions: { login, me, updateProfile, logout },
  defaultAction: 'me',
  allow: ['user', 'anonymous'],
});
export const createHandler = fn.createHandler;
export const main = fn.main;
