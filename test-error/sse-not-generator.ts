// expect: SPK021 which is not an (async) generator
import { Spikard } from "spikard";

const app = new Spikard();
app.sse("/ticks", () => ({ tick: 1 }));
