// expect: SPK019 its path is not a string literal
import { Spikard } from "spikard";

const base: string = process.env.BASE ?? "/v1";
const app = new Spikard();
app.get(`${base}/ping`, () => "pong");
export default app;
