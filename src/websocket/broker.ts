/**
 * Carries topic publishes between instances of an app (several servers
 * behind a load balancer): `broker: redisBroker({ url })` in ServerConfig.
 * Within one instance the worker threads share publishes by themselves.
 *
 * A broker delivers a publish to every *other* instance whose hub subscribed
 * to its topic; the instance that published has already delivered it to its
 * own subscribers. `origin` tells instances apart (the same for every thread
 * of one instance).
 */
export interface Broker {
  /** Called once, before any other call. */
  start(origin: string, deliver: (topic: string, payload: string | Uint8Array, binary: boolean) => void): void;
  publish(topic: string, payload: string | Uint8Array, binary: boolean): void;
  /** This instance has a first subscriber to `topic`. */
  subscribe(topic: string): void;
  /** ... and now none. */
  unsubscribe(topic: string): void;
  close(): Promise<void>;
}
