/** `devices`: register devices and read their status. */
import { defineFunction } from '../../backend/runtime/handler';
import { create } from './handlers/create';
import { get, list } from './handlers/read';

const fn = defineFunction('devices', { actions: { create, list, get }, defaultAction: 'list', allow: ['admin'] });
export const createHandler = fn.createHandler;
export const main = fn.main;
