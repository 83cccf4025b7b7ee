// expect: SPK016 Route GET /status is registered more than once with different handlers
import { Spikard, type Query } from "spikard";

// Two apps in one project: the same method and path with different handlers cannot share one key.
export const publicApp = new Spikard();
publicApp.get("/status", () => ({ ok: true }));

export const adminApp = new Spikard();
adminApp.get("/status", (verbose: Query<boolean>) => ({ ok: true, verbose }));
