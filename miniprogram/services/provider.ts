/**
 * How a page reaches the services: through the app instance (`getApp()`), which built them once in
 * `onLaunch`. Pages ask when they load, not at import time, so tests give the page an app with
 * stand-in services the same way (test/miniprogram/helpers.ts).
 */
import { instanceFields } from '../common/component';
import type { Services } from './index';

export interface ServiceHost {
  services?: Services;
}

export function appServices(): Services {
  const services = getApp<ServiceHost>().services;
  if (!services) throw new Error('services are created in App.onLaunch; no app instance has them');
  return services;
}

/** The services for a page, looked up when it first needs them and kept on the instance. */
export function servicesOf(instance: object): Services {
  return instanceFields(instance, appServices, '__services');
}
