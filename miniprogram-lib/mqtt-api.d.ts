/**
 * The typed surface of `miniprogram/lib/mqtt.js` as the mini program sees it. Declared by hand so
 * the mini program's strict type check does not pull in Node's typings through mqtt.js' own.
 */

/** The part of WeChat's `SocketTask` the MQTT transport uses (wx.connectSocket's result). */
export interface SocketTaskLike {
  send(opts: { data: ArrayBuffer | string; success?: () => void; fail?: (e: { errMsg: string }) => void }): void;
  close(opts: { code?: number; reason?: string; success?: () => void; fail?: () => void }): void;
  onOpen(cb: (res: unknown) => void): void;
  onMessage(cb: (res: { data: ArrayBuffer | string }) => void): void;
  onClose(cb: (res: { code: number; reason: string }) => void): void;
  onError(cb: (res: { errMsg: string }) => void): void;
}

/** `wx.connectSocket`, or a stand-in with the same shape. */
export type ConnectSocket = (opts: { url: string; protocols?: string[] }) => SocketTaskLike;

export interface MqttOptions {
  /** `ws://…` or `wss://…` (WeChat: `wss` on 443 with a listed socket domain). */
  url: string;
  clientId: string;
  username: string;
  password: string;
  /** Seconds; default 30. */
  keepalive?: number;
  /** Milliseconds before a CONNACK must arrive; default 10 000. */
  connectTimeout?: number;
  /** Milliseconds between reconnect attempts; 0 turns automatic reconnects off. Default 0. */
  reconnectPeriod?: number;
}

export interface MqttMessage {
  topic: string;
  /** UTF-8 text of the payload. */
  text: string;
  retain: boolean;
}

export interface MqttConnection {
  readonly connected: boolean;
  on(event: 'connect', cb: () => void): void;
  on(event: 'message', cb: (m: MqttMessage) => void): void;
  on(event: 'close' | 'offline', cb: () => void): void;
  on(event: 'error', cb: (e: Error) => void): void;
  /** Resolves with the granted QoS per topic (128 = refused, MQTT-3.9.3). */
  subscribe(topics: string[]): Promise<number[]>;
  unsubscribe(topics: string[]): Promise<void>;
  /** Closes the connection; safe to call more than once. */
  end(): Promise<void>;
}

export declare function createMqttConnection(connectSocket: ConnectSocket, opts: MqttOptions): MqttConnection;
