import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "./free-port";

/** Debian's redis-server on PATH (`.ci/run` installs it); tests that need it skip, saying so, when it is missing. */
export const REDIS_BINARY = "redis-server";
export const redisMissing: string | undefined = (() => {
  const probe = spawnSync(REDIS_BINARY, ["--version"], { encoding: "utf8" });
  return probe.status === 0 ? undefined : `${REDIS_BINARY} not found (apt-get install -y redis-server): Redis store tests skipped`;
})();
if (redisMissing !== undefined) console.warn(redisMissing);

/**
 * A real redis-server on a free loopback port with a temporary directory and
 * no persistence. `stop()` kills it (SIGKILL: an outage, not a shutdown);
 * `start()` runs it again on the same port.
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-redis-"));
  log = "";

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async launch(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    const child = spawn(REDIS_BINARY, ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--save", "", "--appendonly", "no", "--protected-mode", "yes"], { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${this.log}`)), 10_000);
      const onData = (d: Buffer): void => {
        this.log += d.toString();
        if (this.log.includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${this.log}`));
      });
    });
  }

  /** Sends one command with redis-cli-free RESP over a socket; resolves with the raw reply text. */
  command(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(this.port, "127.0.0.1");
      let reply = "";
      socket.on("data", (d: Buffer) => {
        reply += d.toString();
        if (reply.endsWith("\r\n")) {
          socket.end();
          resolve(reply);
        }
      });
      socket.on("error", reject);
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`);
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
