export { TestClient, type TestClientOptions } from "./test-client";
export { LiveTestClient, type LiveTestClientOptions, type FromModuleOptions } from "./live-test-client";
export { TestResponse } from "./test-response";
export type { RequestOptions, FileInput, QueryValue } from "./request-options";
