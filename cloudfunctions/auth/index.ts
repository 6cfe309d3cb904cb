/** `auth`: sign in, who am I, sign out. */
import { defineFunction } from '../../backend/runtime/handler';
import { login, logout } from './handlers/login';
import { me } from './handlers/me';

const fn = defineFunction('auth', { actions: { login, me, logout }, defaultAction: 'me', allow: ['user', 'anonymous'] });
export const createHandler = fn.createHandler;
export const main = fn.main;
