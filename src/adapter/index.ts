import { SpikardError } from "../errors";
import type { Adapter } from "./types";

export type AdapterChoice = "uws" | Adapter;

/**
 * The adapter ServerConfig names. Loaded on demand: the core never imports a
 * server library, and an app only loads the one it serves on.
 */
export function resolveAdapter(choice: AdapterChoice): Adapter {
  if (typeof choice === "object" && choice !== null && typeof choice.listen === "function") return choice;
  if (choice === "uws") return (require("./uws/server") as typeof import("./uws/server")).uwsAdapter;
  throw new SpikardError("INVALID_CONFIG", `adapter must be "uws" or an Adapter, not ${JSON.stringify(choice)}`);
}
