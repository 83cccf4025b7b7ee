export { redisBroker, type RedisBrokerOptions } from "./redis-broker";
export type { Broker } from "./broker";
export type { WebSocket, SendResult } from "./socket";
export type { WebSocketHandlers, WebSocketRoute } from "./types";
export type { WebSocketRouteOptions } from "./options";
