export { TestClient, type TestClientOptions } from "./test-client";
export { LiveTestClient, type LiveTestClientOptions, type FromModuleOptions } from "./live-test-client";
export { TestResponse } from "./test-response";
export type { RequestOptions, FileInput, QueryValue } from "./request-options";
export { TestWebSocket, WebSocketHandshakeError, WebSocketClosedError, type WebSocketOptions, type ReceivedMessage, type CloseInfo } from "./websocket";
export { SseStream, EventStreamParser, type ReceivedEvent, type SseOptions } from "./sse";
