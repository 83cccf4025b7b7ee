// expect: SPK007 More than one Body
import { Spikard, type Body } from "spikard";

const app = new Spikard();
app.post("/merge", (a: Body<{ x: number }>, b: Body<{ y: number }>) => ({ ...a, ...b }));
