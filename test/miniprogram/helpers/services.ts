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

const open = new Set<() => Promise<void>>();

/** Services as one user's phone would have them; `devCode` picks the (development) account. */
export function phoneServices(stack: Stack, devCode?: string) {
  const np = nodePlatform();
  if (devCode) np.storage.setStorageSync('rpm.devCode', devCode);
  const services = createServices(np.platform, localConfig(stack));
  open.add(async () => {
    await services.realtime.stop();
    np.timers.clearAll();
    np.sockets.closeAll();
  });
  return { services, ui: np.ui, sockets: np.sockets, storage: np.storage };
}

/** Stops every phone's realtime connection and timers (after each test, before the stack closes). */
export async function closePhones(): Promise<void> {
  const all = [...open];
  open.clear();
  await Promise.all(all.map((close) => close()));
}
