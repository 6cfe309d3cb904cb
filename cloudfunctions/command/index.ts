/** `command`: remote control of bedside devices (settings, measure now) with desired state and audit. */
import { command } from '../../core/api/contract/command';
import { defineFunction } from '../../backend/runtime/handler';
import { measureNow, set, state } from './handlers/commands';

const fn = defineFunction('command', { contract: command, actions: { set, measureNow, state }, defaultAction: 'state', allow: ['user'] });
export const createHandler = fn.createHandler;
export const main = fn.main;
