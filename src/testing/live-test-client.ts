import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { Server, Spikard } from "../app";
import { encodeRequest, type RequestOptions } from "./request-options";
import { HttpVerbs } from "./http-verbs";
import { TestResponse } from "./test-response";
import { SseStream, type SseOptions } from "./sse";
import { TestWebSocket, WebSocketHandshakeError, type ClientEnd, type WebSocketOptions } from "./websocket";
import { sseHeaders } from "./channel-requests";

export interface LiveTestClientOptions {
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  host?: string;
}

export interface FromModuleOptions extends LiveTestClientOptions {
  env?: Record<string, string>;
  /** Milliseconds to wait for the "listening on" line. Default 15000. */
  startTimeout?: number;
  /** Extra `node` arguments. */
  nodeArgs?: string[];
}

/**
 * The app on a real socket (ephemeral port), driven over HTTP. Starts on the
 * first request, or explicitly with `start()`; `close()` (or `await using`)
 * stops it. `fromModule` runs an app module in a child process instead, for
 * signal and shutdown tests.
 */
export class LiveTestClient extends HttpVerbs {
  private starting: Promise<string> | undefined;
  private server: Server | undefined;
  /** The child process when created with `fromModule`. */
  process: ChildProcess | undefined;
  /** Everything the child wrote to stdout/stderr. */
  output = "";
  private readonly agent = new http.Agent({ keepAlive: true });

  constructor(
    readonly app: Spikard | undefined,
    private readonly config: LiveTestClientOptions = {},
  ) {
    super();
  }

  /** Starts the app's server; resolves to its base URL. */
  start(): Promise<string> {
    return (this.starting ??= (async () => {
      if (!this.app) throw new Error("LiveTestClient has no app");
      this.server = await this.app.serve({ host: this.config.host ?? "127.0.0.1", port: 0 });
      return this.server.url;
    })());
  }

  /** Runs `node modulePath` (a script calling `app.run()`) on a free port. */
  static fromModule(modulePath: string, options: FromModuleOptions = {}): Promise<LiveTestClient> {
    const client = new LiveTestClient(undefined, options);
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), modulePath], {
      env: { ...process.env, SPIKARD_PORT: "0", SPIKARD_HOST: options.host ?? "127.0.0.1", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    client.process = child;
    client.starting = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`app did not start within ${options.startTimeout ?? 15000} ms:\n${client.output}`)), options.startTimeout ?? 15000);
      const onData = (d: Buffer): void => {
        client.output += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(client.output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`app exited with code ${code} before listening:\n${client.output}`));
      });
    });
    return client.starting.then(() => client);
  }

  /** Resolves with the child's exit code once it exited. */
  exited(): Promise<number | null> {
    const child = this.process;
    if (!child) return Promise.resolve(null);
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
    return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  get url(): Promise<string> {
    return this.start();
  }

  /**
   * Sent with node:http rather than fetch: fetch decodes gzip/br bodies and
   * merges headers, and a test client must show the bytes the server wrote.
   */
  async request(method: string, path: string, o: RequestOptions = {}): Promise<TestResponse> {
    const base = await this.start();
    const enc = encodeRequest(method.toUpperCase(), path, o, this.config);
    const url = new URL(`${base}${enc.path}${enc.query ? `?${enc.query}` : ""}`);
    const headers: Record<string, string> = { ...enc.headers };
    const sendsBody = enc.body.length > 0 || ["POST", "PUT", "PATCH"].includes(enc.method);
    if (sendsBody) headers["content-length"] = String(enc.body.length);
    else delete headers["content-length"];
    return new Promise<TestResponse>((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method: enc.method, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => resolve(toTestResponse(res, Buffer.concat(chunks))));
        },
      );
      req.on("error", reject);
      req.end(sendsBody ? enc.body : undefined);
    });
  }

  /**
   * Opens a real WebSocket to the app (with the `ws` package). Rejects with
   * WebSocketHandshakeError (its `response`) when the handshake is refused.
   */
  async websocket(path: string, o: WebSocketOptions = {}): Promise<TestWebSocket> {
    const base = await this.start();
    const enc = encodeRequest("GET", path, { query: o.query, headers: o.headers, cookies: o.cookies }, this.config);
    const url = `${base.replace(/^http/, "ws")}${enc.path}${enc.query ? `?${enc.query}` : ""}`;
    // Loaded on first use: only tests that open WebSockets need the client.
    const { WebSocket: WsClient } = require("ws") as typeof import("ws");
    const headers: Record<string, string> = { ...enc.headers };
    delete headers["content-length"];
    const socket = new WsClient(url, o.protocols ?? [], { headers, autoPong: o.autoPong ?? true, perMessageDeflate: false });
    return new Promise<TestWebSocket>((resolve, reject) => {
      socket.once("unexpected-response", (_req, res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => reject(new WebSocketHandshakeError(toTestResponse(res, Buffer.concat(chunks)))));
        res.on("error", reject);
      });
      socket.once("error", reject);
      socket.once("upgrade", (res) => {
        const end: ClientEnd = {
          send: (data, binary) => socket.send(data, { binary }),
          close: (code, reason) => socket.close(code, reason),
          drop: () => socket.terminate(),
          pause: (paused) => (paused ? socket.pause() : socket.resume()),
          onMessage: () => {},
          onClose: () => {},
          onPing: () => {},
        };
        const ws = new TestWebSocket(end, toTestResponse(res, Buffer.alloc(0)), o.timeout);
        socket.on("message", (data, isBinary) => end.onMessage(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer), isBinary));
        socket.on("close", (code, reason) => end.onClose(code, reason.toString("utf8")));
        socket.on("ping", () => end.onPing());
        socket.once("open", () => {
          socket.off("error", reject);
          // Later errors (a peer that misbehaves) end in a close event; the test sees that.
          socket.on("error", () => {});
          resolve(ws);
        });
      });
    });
  }

  /** Reads an event stream over a real socket: `for await (const e of live.sse("/events"))`. */
  sse(path: string, o: SseOptions = {}): SseStream {
    return new SseStream((stream) => {
      let req: http.ClientRequest | undefined;
      let res: http.IncomingMessage | undefined;
      let aborted = false;
      const head = this.start().then(
        (base) =>
          new Promise<TestResponse>((resolve, reject) => {
            if (aborted) return reject(new Error("closed before it connected"));
            const enc = encodeRequest("GET", path, { query: o.query, headers: { ...sseHeaders(o.lastEventId), ...o.headers }, cookies: o.cookies }, this.config);
            const url = new URL(`${base}${enc.path}${enc.query ? `?${enc.query}` : ""}`);
            // A connection of its own (no keep-alive agent): closing the stream closes it.
            req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: "GET", headers: enc.headers, agent: false }, (r) => {
              res = r;
              const streaming = r.statusCode === 200 && (r.headers["content-type"] ?? "").startsWith("text/event-stream");
              if (!streaming) {
                const chunks: Buffer[] = [];
                r.on("data", (c: Buffer) => chunks.push(c));
                r.on("end", () => {
                  resolve(toTestResponse(r, Buffer.concat(chunks)));
                  stream.end();
                });
                return;
              }
              resolve(toTestResponse(r, Buffer.alloc(0)));
              r.on("data", (c: Buffer) => {
                if (!stream.push(c)) r.pause();
              });
              r.on("end", () => stream.end());
              r.on("error", (err) => stream.end(aborted ? undefined : err));
            });
            req.on("error", (err) => {
              if (aborted) return stream.end();
              reject(err);
              stream.end(err);
            });
            req.end();
          }),
      );
      return {
        head,
        pause: (paused) => (paused ? res?.pause() : res?.resume()),
        abort: () => {
          aborted = true;
          req?.destroy();
        },
      };
    }, o);
  }

  /** Stops the server (graceful) or terminates the child process. */
  async close(): Promise<void> {
    this.agent.destroy();
    if (this.server) {
      await this.server.close();
      this.server = undefined;
    }
    if (this.process && this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill("SIGTERM");
      await this.exited();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** A node:http response as the test sees it: every header line as sent, lower-case names. */
function toTestResponse(res: http.IncomingMessage, body: Buffer): TestResponse {
  const raw: Array<[string, string]> = [];
  for (let i = 0; i < res.rawHeaders.length; i += 2) raw.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
  const record: Record<string, string> = {};
  for (const [k, v] of raw) record[k] = record[k] === undefined ? v : `${record[k]}, ${v}`;
  return new TestResponse(res.statusCode ?? 0, record, body, raw);
}
