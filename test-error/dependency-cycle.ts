// expect: SPK012 Dependency cycle: Clock -> Scheduler -> Clock
import { Provide, Spikard } from "spikard";

class Clock {}
class Scheduler {}

const app = new Spikard();
app.provide(Clock, Provide((s: Scheduler) => (s ? new Clock() : new Clock())));
app.provide(Scheduler, Provide((c: Clock) => (c ? new Scheduler() : new Scheduler())));
app.get("/now", (clock: Clock) => ({ ok: !!clock }));
