/** Real mini program services against a real local stack (function host over HTTP, broker over WebSocket). */
import type { Stack } from '../../../local-cloud/stack';
import { startStack, tempDir } from '../../helpers/stack';
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

/**
 * One real stack for a test file (ephemeral ports, SQLite in a temp dir); phones are closed after
 * each test and the stack after the file. Returns the accessor for the running stack.
 */
export function useLocalStack(): () => Stack {
  let dir: ReturnType<typeof tempDir> | undefined;
  let stack: Stack | undefined;
  beforeAll(async () => {
    dir = tempDir();
    stack = await startStack(dir.path);
  });
  afterEach(() => closePhones());
  afterAll(async () => {
    await stack?.close();
    dir?.remove();
  });
  return () => {
    if (!stack) throw new Error('the stack starts in beforeAll');
    return stack;
  };
}
