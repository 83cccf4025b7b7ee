import { SpikardError } from "../errors";
import type { Adapter } from "./types";

/** "uws" (uWebSockets.js, the default), "node" (node:http), or an Adapter of your own. */
export type AdapterChoice = "uws" | "node" | Adapter;

/**
 * The adapter ServerConfig names. Loaded on demand: the core never imports a
 * server library, and an app only loads the one it serves on.
 */
export function resolveAdapter(choice: AdapterChoice): Adapter {
  if (typeof choice === "object" && choice !== null && typeof choice.listen === "function") return choice;
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (choice === "uws") return (require("./uws/server") as typeof import("./uws/server")).uwsAdapter;
  if (choice === "node") return (require("./node/server") as typeof import("./node/server")).nodeAdapter;
  /* eslint-enable @typescript-eslint/no-require-imports */
  throw new SpikardError("INVALID_CONFIG", `adapter must be "uws", "node" or an Adapter, not ${JSON.stringify(choice)}`);
}
