/**
 * `ingest`: receives batches of device messages from the broker's message flow and stores them.
 * Only backend services may call it (the embedded broker in-process, or a production broker's
 * webhook authenticated by the function host).
 */
import { ingest } from '../../core/api/contract/ingest';
import { defineFunction } from '../../backend/runtime/handler';
import { batch } from './handlers/batch';

const fn = defineFunction('ingest', { contract: ingest, actions: { batch }, defaultAction: 'batch', allow: ['service'] });
export const createHandler = fn.createHandler;
export const main = fn.main;
