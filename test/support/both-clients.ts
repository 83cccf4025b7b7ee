import type { Spikard } from "spikard";
import { LiveTestClient, TestClient } from "spikard/testing";

/**
 * The same app over TestClient and a real socket, for `describe.each`. The
 * live servers go into `lives`, for the file's afterAll to close.
 */
export function bothClients(lives: LiveTestClient[], build: () => Spikard): Array<[string, TestClient | LiveTestClient]> {
  const live = new LiveTestClient(build());
  lives.push(live);
  return [
    ["TestClient", new TestClient(build())],
    ["LiveTestClient", live],
  ];
}
