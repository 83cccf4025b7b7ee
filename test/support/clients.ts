import { afterAll } from "vitest";
import type { Spikard } from "spikard";
import { LiveTestClient, TestClient } from "spikard/testing";

/**
 * The same app over TestClient and over a real socket, for `describe.each`:
 * every behaviour is checked in process and on uWebSockets.js alike. Live
 * servers close after the file's tests.
 */
export function bothClients(build: () => Spikard): Array<[string, TestClient | LiveTestClient]> {
  const live = new LiveTestClient(build());
  lives.push(live);
  return [
    ["TestClient", new TestClient(build())],
    ["LiveTestClient", live],
  ];
}

const lives: LiveTestClient[] = [];
afterAll(async () => {
  for (const l of lives.splice(0)) await l.close();
});
