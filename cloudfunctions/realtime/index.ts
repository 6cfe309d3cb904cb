/** `realtime`: short-lived MQTT credentials for the mini program and the web console. */
import { realtime } from '../../core/api/contract/realtime';
import { defineFunction } from '../../backend/runtime/handler';
import { credentials } from './handlers/credentials';

const fn = defineFunction('realtime', { contract: realtime, actions: { credentials }, defaultAction: 'credentials', allow: ['user'] });
export const createHandler = fn.createHandler;
export const main = fn.main;
