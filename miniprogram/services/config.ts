/** Where the mini program's backend lives; the value is in `miniprogram/config.ts`. */
export interface AppConfig {
  /** `local`: HTTP to the local function host; `cloud`: `wx.cloud.callFunction`. */
  mode: 'local' | 'cloud';
  local: {
    /** Base URL of the local function host (`npm start`, HTTP_PORT, default 3000). */
    functionsUrl: string;
    /** MQTT over WebSocket of the local broker (MQTT_WS_PORT, default 8083, path `/mqtt`). */
    mqttUrl: string;
  };
  cloud: {
    /** CloudBase environment id; empty for the AppID's default environment. */
    env: string;
    /** `wss://…` of the production broker. */
    mqttUrl: string;
  };
}
