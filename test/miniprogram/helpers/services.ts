/** Real mini program services against a real local stack (function host over HTTP, broker over WebSocket). */
import type { Stack } from '../../../local-cloud/stack';
import { createServices } from '../../../miniprogram/services/index';
import type { AppConfig } from '../../../miniprogram/services/config';
import { nodePlatform } from './platform';

export function localConfig(stack: Stack): AppConfig {
  return {
    mode: 'local',
    local: { functionsUrl: `http://127.0.0.1:${stack.ports.http}`, mqttUrl: `ws://127.0.0.1:${stack.ports.mqttWs}/mqtt` },
    cloud: { env: '', mqttUrl: '' },
  };
}

/** Services as one user's phone would have them; `devCode` picks the (development) account. */
export function phoneServices(stack: Stack, devCode?: string) {
  const np = nodePlatform();
  if (devCode) np.storage.setStorageSync('rpm.devCode', devCode);
  const services = createServices(np.platform, localConfig(stack));
  return { services, ui: np.ui, sockets: np.sockets, storage: np.storage };
}
