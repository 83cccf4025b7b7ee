// expect: SPK013 is not a JavaScript expression
import { Spikard, type Body, type Rule } from "spikard";

type Pair = { a?: string; b?: string } & Rule<"if ($input.a) return false", "a needs b">;

const app = new Spikard();
app.post("/pairs", (pair: Body<Pair>) => pair);
