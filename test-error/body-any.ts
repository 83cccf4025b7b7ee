// expect: SPK005 a request body
import { Spikard, type Body } from "spikard";

const app = new Spikard();
app.post("/anything", (payload: Body<any>) => ({ received: payload !== undefined }));
