/**
 * What the backend asks of the MQTT broker from outside it: publish a message (a command or a
 * reply to a device, a retained presence message), see whether a client is connected, and
 * disconnect clients (a person who lost access, so that they reconnect under the new rules).
 * Two implementations: the embedded aedes broker (local-cloud/broker/broker-api.ts) and EMQX's
 * REST API (emqx.ts), so the functions work the same with either broker.
 */
export interface PublishOptions {
  /** Default 1. */
  qos?: 0 | 1;
  /** Default false. */
  retain?: boolean;
}

/** A subscription made on a client's behalf. */
export interface Subscription {
  topic: string;
  qos: 0 | 1;
}

export interface BrokerApi {
  /** Publishes `payload` (UTF-8 text) on `topic` as the backend; resolves once the broker took it. */
  publish(topic: string, payload: string, opts?: PublishOptions): Promise<void>;
  /** Client ids of the sessions now connected with this username (empty when none). */
  clientsOf(username: string): Promise<string[]>;
  /** Disconnects these clients and discards their sessions; unknown ids are ignored. */
  kick(clientIds: string[]): Promise<void>;
  /**
   * Subscribes a connected client to these filters on its behalf — what Alibaba's broker does for
   * Link SDK devices that put `_ss=1` in their client id and send no SUBSCRIBE. An unknown client
   * (gone already) is ignored.
   */
  subscribe(clientId: string, subscriptions: Subscription[]): Promise<void>;
}
