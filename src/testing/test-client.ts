import type { Spikard } from "../app";
import type { RawRequest } from "../request";
import { PayloadTooLargeError, type BodyConsumer, type BodySource, type ResponseSink } from "../pipeline/sink";
import { declaredStreamLength, streamTooLong, streamTooShort } from "../pipeline/stream-length";
import { encodeRequest, type RequestOptions } from "./request-options";
import { HttpVerbs } from "./http-verbs";
import { TestResponse } from "./test-response";
import { requestFramingError } from "../adapter/request-framing";
import { badRequestProblem, PROBLEM_CONTENT_TYPE } from "../problem";

export interface TestClientOptions {
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  /** Address the app sees as the client's. Default "127.0.0.1". */
  remoteAddress?: string;
}

/**
 * Drives the app in-process through the same Pipeline the server uses: no
 * socket, no serialization besides the HTTP body itself.
 */
export class TestClient extends HttpVerbs {
  constructor(
    readonly app: Spikard,
    private readonly config: TestClientOptions = {},
  ) {
    super();
  }

  request(method: string, path: string, o: RequestOptions = {}): Promise<TestResponse> {
    const enc = encodeRequest(method.toUpperCase(), path, o, this.config);
    const raw: RawRequest = {
      method: enc.method,
      path: enc.path,
      query: enc.query,
      header: (name) => {
        const v = enc.headers[name];
        return v === "" ? undefined : v;
      },
      headers: () => ({ ...enc.headers }),
      remoteAddress: () => this.config.remoteAddress ?? "127.0.0.1",
      detach: () => undefined,
    };
    return new Promise((resolve, reject) => {
      const sink = new MemorySink(resolve, reject);
      // As the server's adapter does, before anything reads the body.
      const te = enc.headers["transfer-encoding"];
      const cl = enc.headers["content-length"];
      const bad = requestFramingError(cl === undefined ? [] : [cl], te === undefined ? [] : [te]);
      if (bad !== undefined) return sink.send(400, ["content-type", PROBLEM_CONTENT_TYPE], JSON.stringify(badRequestProblem(bad)), false);
      this.app.pipeline().handle(raw, new MemoryBody(enc.body, enc.headers["content-length"]), sink);
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {}
}

class MemoryBody implements BodySource {
  readonly contentLength: number | undefined;
  constructor(
    private readonly body: Buffer,
    declared: string | undefined,
  ) {
    this.contentLength = declared === undefined ? undefined : Number(declared);
  }
  read(limit: number, to: BodyConsumer): void {
    if (this.body.length > limit) to.error(new PayloadTooLargeError(limit));
    else to.body(this.body);
  }
  async stream(onChunk: (chunk: Buffer) => void | Promise<void>, limit: number): Promise<void> {
    // Chunked like a socket would deliver it, so streaming parsers see split boundaries.
    const size = 64 * 1024;
    for (let i = 0; i < this.body.length; i += size) {
      const end = Math.min(i + size, this.body.length);
      if (end > limit) throw new PayloadTooLargeError(limit);
      await onChunk(this.body.subarray(i, end));
    }
  }
}

/** Collects a response in memory; resolves when it is complete. */
class MemorySink implements ResponseSink {
  aborted = false;
  private status = 0;
  private headers: Array<[string, string]> = [];
  private chunks: Buffer[] = [];
  private done = false;
  /** A stream's declared Content-Length, and the bytes written so far. */
  private declaredTotal: number | undefined;
  private streamed = 0;

  constructor(
    private readonly resolve: (r: TestResponse) => void,
    private readonly reject: (err: Error) => void,
  ) {}

  onAbort(): void {}

  send(status: number, headers: readonly string[], body: string | Uint8Array | undefined, headOnly: boolean): void {
    if (this.done) return;
    this.status = status;
    this.setHeaders(headers);
    const buf = body === undefined ? Buffer.alloc(0) : Buffer.from(body as Uint8Array | string);
    // As on the socket: the length is computed, except a declared one on HEAD.
    const declared = this.headers.find(([k]) => k === "content-length");
    // A HEAD for a stream says chunked, as its GET would be, and no length; otherwise the server frames the body.
    const chunked = headOnly && declared === undefined && this.headers.some(([k]) => k === "transfer-encoding");
    this.headers = this.headers.filter(([k]) => k !== "content-length" && (chunked || k !== "transfer-encoding"));
    if (status !== 204 && status !== 304 && !chunked) this.headers.push(["content-length", headOnly && declared ? declared[1] : String(buf.length)]);
    if (!headOnly) this.chunks.push(buf);
    this.finish();
  }

  startStream(status: number, headers: readonly string[]): void {
    this.status = status;
    // As on the socket: a valid declared length frames the stream, otherwise it is chunked.
    this.declaredTotal = declaredStreamLength(headers);
    this.setHeaders(headers);
    this.headers = this.headers.filter(([k]) => k !== "content-length" && k !== "transfer-encoding");
    this.headers.push(this.declaredTotal === undefined ? ["transfer-encoding", "chunked"] : ["content-length", String(this.declaredTotal)]);
  }

  write(chunk: string | Uint8Array): boolean {
    const buf = Buffer.from(chunk as Uint8Array | string);
    if (this.declaredTotal !== undefined && this.streamed + buf.length > this.declaredTotal) throw streamTooLong(this.declaredTotal);
    this.streamed += buf.length;
    this.chunks.push(buf);
    return true;
  }

  onDrain(cb: () => void): void {
    cb();
  }

  endStream(): void {
    if (this.declaredTotal !== undefined && this.streamed < this.declaredTotal) throw streamTooShort(this.streamed, this.declaredTotal);
    this.finish();
  }

  /** The server dropped the connection (a stream failed after its headers): the request fails, as on a socket. */
  close(): void {
    this.aborted = true;
    if (this.done) return;
    this.done = true;
    this.reject(new Error(`the server dropped the connection after a ${this.status} response started`));
  }

  private setHeaders(flat: readonly string[]): void {
    for (let i = 0; i < flat.length; i += 2) {
      const name = flat[i]!.toLowerCase();
      // As on the socket, where the server's own Date is the one sent (Date may appear once).
      if (name !== "date") this.headers.push([name, flat[i + 1]!]);
    }
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    const record: Record<string, string> = {};
    for (const [k, v] of this.headers) record[k] = record[k] === undefined ? v : `${record[k]}, ${v}`;
    this.resolve(new TestResponse(this.status, record, Buffer.concat(this.chunks), this.headers));
  }
}
