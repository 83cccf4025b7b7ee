// expect: SPK009 a Map at return
import { Spikard } from "spikard";

const app = new Spikard();
app.get("/prices", () => new Map([["pen", 2]]));
