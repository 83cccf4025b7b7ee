// expect: SPK014 a function at body.onDone
import { Spikard, type Body } from "spikard";

interface Job {
  name: string;
  onDone: () => void;
}

const app = new Spikard();
app.post("/jobs", (job: Body<Job>) => ({ name: job.name }));
