import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { Server, Spikard } from "../app";
import { encodeRequest, type RequestOptions } from "./request-options";
import { HttpVerbs } from "./http-verbs";
import { TestResponse } from "./test-response";

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
      // A free port for the HTTP/2 listener too (an app with gRPC services): test servers run side by side.
      this.server = await this.app.serve({ host: this.config.host ?? "127.0.0.1", port: 0, grpcPort: 0 });
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
          res.on("end", () => {
            const raw: Array<[string, string]> = [];
            for (let i = 0; i < res.rawHeaders.length; i += 2) raw.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
            const record: Record<string, string> = {};
            for (const [k, v] of raw) record[k] = record[k] === undefined ? v : `${record[k]}, ${v}`;
            resolve(new TestResponse(res.statusCode ?? 0, record, Buffer.concat(chunks), raw));
          });
        },
      );
      req.on("error", reject);
      req.end(sendsBody ? enc.body : undefined);
    });
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
