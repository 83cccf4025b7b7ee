import type { Spikard } from "../app";
import { exchangeInMemory } from "../adapter/memory";
import { encodeRequest, type RequestOptions } from "./request-options";
import { HttpVerbs } from "./http-verbs";
import { TestResponse } from "./test-response";

export interface TestClientOptions {
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  /** Address the app sees as the client's. Default "127.0.0.1". */
  remoteAddress?: string;
}

/**
 * Drives the app in-process through the in-memory adapter: the same pipeline
 * and the same adapter contract as the server (request lifetime, framing),
 * with no socket.
 */
export class TestClient extends HttpVerbs {
  constructor(
    readonly app: Spikard,
    private readonly config: TestClientOptions = {},
  ) {
    super();
  }

  async request(method: string, path: string, o: RequestOptions = {}): Promise<TestResponse> {
    const enc = encodeRequest(method.toUpperCase(), path, o, this.config);
    const res = await exchangeInMemory(this.app.handler(), { ...enc, remoteAddress: this.config.remoteAddress ?? "127.0.0.1" }, this.app.config.limits);
    const record: Record<string, string> = {};
    for (const [k, v] of res.headers) record[k] = record[k] === undefined ? v : `${record[k]}, ${v}`;
    return new TestResponse(res.status, record, res.body, res.headers);
  }

  async [Symbol.asyncDispose](): Promise<void> {}
}
