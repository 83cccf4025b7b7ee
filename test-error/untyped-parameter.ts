// expect: SPK002 has no type annotation
import { Spikard } from "spikard";

const app = new Spikard();
// @ts-expect-error q is implicitly any: the transformer reports it too, with the fix.
app.get("/search", function (q) {
  return { q };
});
