// expect: SPK014 a Set at body
import { Spikard, type Body } from "spikard";

const app = new Spikard();
app.post("/tags", (tags: Body<Set<string>>) => ({ count: tags.size }));
