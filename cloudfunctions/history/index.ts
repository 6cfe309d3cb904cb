/** `history`: readings of one device over a time range, raw or bucketed. */
import { history } from '../../core/api/contract/history';
import { defineFunction } from '../../backend/runtime/handler';
import { query } from './handlers/query';

const fn = defineFunction('history', { contract: history, actions: { query }, defaultAction: 'query', allow: ['admin', 'user'] });
export const createHandler = fn.createHandler;
export const main = fn.main;
