/**
 * The one setting that decides where the mini program talks to: `local` (the stack `npm start`
 * runs on a computer: HTTP function host + MQTT over WebSocket) or `cloud` (CloudBase functions
 * through `wx.cloud`, MQTT through the production broker). See README "Mini program".
 */
import type { AppConfig } from './services/config';

export const APP_CONFIG: AppConfig = {
  mode: 'local',
  local: {
    // DevTools' simulator runs on the computer, so loopback works; on a phone use the computer's
    // LAN address and turn off domain checks (开发环境不校验合法域名).
    functionsUrl: 'http://127.0.0.1:3000',
    mqttUrl: 'ws://127.0.0.1:8083/mqtt',
  },
  cloud: {
    // The CloudBase environment id; empty uses the default environment of the AppID.
    env: '',
    // Production broker: wss on 443 with a domain listed under socket domains (socket合法域名).
    mqttUrl: 'wss://mqtt.example.com/mqtt',
  },
};
