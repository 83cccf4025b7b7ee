import fs from "node:fs";
import path from "node:path";
import type { ServerConfig } from "spikard";
import { LiveTestClient } from "spikard/testing";
import { compileApps } from "./compile-app";

/**
 * The guarded app (test/apps/guarded.ts) in its own process, as in production:
 * an exception escaping a uWS callback, or an unhandled rejection, ends that
 * process, where in the test runner's it would be caught. Compiled on first use.
 */
export class GuardedServers {
  private compiled: { dir: string; out: string } | undefined;
  private readonly started: LiveTestClient[] = [];

  async start(config: ServerConfig = {}, env: Record<string, string> = {}): Promise<{ client: LiveTestClient; port: number }> {
    this.compiled ??= compileApps(["test/apps/guarded.ts", "test/apps/guarded-server.ts"]);
    const client = await LiveTestClient.fromModule(path.join(this.compiled.out, "guarded-server.js"), { env: { SPIKARD_TEST_CONFIG: JSON.stringify(config), ...env } });
    this.started.push(client);
    return { client, port: Number(new URL(await client.url).port) };
  }

  async close(): Promise<void> {
    for (const c of this.started.splice(0)) await c.close();
    if (this.compiled) fs.rmSync(this.compiled.dir, { recursive: true, force: true });
  }
}
