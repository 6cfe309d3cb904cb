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
    const services = createServices(wxPlatform(APP_CONFIG), APP_CONFIG);
    this.services = services;
    // WeChat asks before the first use of an API that touches personal data; the page's
    // privacy-sheet shows the request (services/privacy.ts). Base library 2.32.3 and later.
    if (typeof wx.onNeedPrivacyAuthorization === 'function') wx.onNeedPrivacyAuthorization((resolve) => services.privacy.need(resolve as never));
  },
});
