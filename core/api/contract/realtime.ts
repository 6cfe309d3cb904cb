/** `realtime`: short-lived MQTT credentials for the mini program and the web console. */
import type { RealtimeCredentials } from '..';
import { action } from './define';
import { empty } from './fields';

export const realtime = {
  credentials: action<RealtimeCredentials>()(empty),
};
