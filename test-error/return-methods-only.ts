// expect: SPK015 an object with only methods
import { Spikard } from "spikard";

class Clock {
  now(): number {
    return Date.now();
  }
  later(ms: number): number {
    return Date.now() + ms;
  }
}

const app = new Spikard();
app.get("/clock", () => new Clock());
