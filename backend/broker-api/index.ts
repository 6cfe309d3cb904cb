/**
 * The outbound broker interface (types.ts) and its EMQX REST implementation (emqx.ts). The embedded
 * implementation lives with the embedded broker: local-cloud/broker/broker-api.ts.
 */
export type { BrokerApi, PublishOptions } from './types';
export { BrokerApiError, BrokerErrorCode, invalidTopicName, isBrokerApiError } from './errors';
export { createEmqxBrokerApi, emqxOptionsFromEnv, EMQX_DEFAULT_PAGE_SIZE, EMQX_DEFAULT_TIMEOUT_MS } from './emqx';
export type { EmqxBrokerApiOptions } from './emqx';
