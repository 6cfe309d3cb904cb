/**
 * The app instance holds the services (built once from `wx` and `config.ts`); pages reach them
 * through `services/provider.ts`.
 */
import { APP_CONFIG } from './config';
import { createServices } from './services/index';
import type { ServiceHost } from './services/provider';
import { wxPlatform } from './services/wx-platform';

App<ServiceHost>({
  services: undefined,
  onLaunch() {
    this.services = createServices(wxPlatform(APP_CONFIG), APP_CONFIG);
  },
});
