/** `history`: readings of one device or patient over a time range, raw or bucketed, and their export (CSV, FHIR). */
import { history } from '../../core/api/contract/history';
import { defineFunction } from '../../backend/runtime/handler';
import { exportHistory } from './handlers/export';
import { query } from './handlers/query';

const fn = defineFunction('history', { contract: history, actions: { query, export: exportHistory }, defaultAction: 'query', allow: ['admin', 'user'] });
export const createHandler = fn.createHandler;
export const main = fn.main;
