import { afterAll, describe, expect, it } from "vitest";
import { LiveTestClient } from "spikard/testing";
import { compileApps } from "./support/compile-app";
import { freePort } from "./support/free-port";

// Issue 14, item 10: uWebSockets.js listens with SO_REUSEPORT, so a second server on a port already
// served used to bind silently and the kernel split the traffic between the two. Two processes, as
// an old and a new deployment would be.

let compiled: { out: string } | undefined;
const started: LiveTestClient[] = [];
afterAll(async () => {
  for (const s of started) await s.close();
});

async function serve(port: number, env: Record<string, string>): Promise<LiveTestClient> {
  compiled ??= compileApps(["test/apps/hostile.ts", "test/apps/hostile-server.ts"]);
  const client = LiveTestClient.fromModule(`${compiled.out}/hostile-server.js`, { env: { SPIKARD_PORT: String(port), ...env } });
  client.then((c) => started.push(c), () => undefined);
  return client;
}

describe.each([
  ["uws", "uws", 1],
  ["uws", "uws", 2],
  ["node", "node", 1],
  ["uws", "node", 1],
  ["node", "uws", 1],
] as const)("first server %s, second %s, workers %s", (first, second, workers) => {
  it(`the second fails to start with LISTEN_FAILED, the first keeps serving (first on ${workers} thread(s))`, async () => {
    const port = await freePort();
    const one = await serve(port, { SPIKARD_ADAPTER: first, SPIKARD_WORKERS: String(workers) });
    (await one.get("/health")).assertStatusOk();
    const two = serve(port, { SPIKARD_ADAPTER: second });
    await expect(two).rejects.toThrow(/app exited with code 1 before listening:[\s\S]*Could not listen on 127\.0\.0\.1:\d+: the port is already in use/);
    for (let i = 0; i < 10; i++) (await one.get("/health")).assertStatusOk();
  });
});
