// expect: SPK015 returns a function
import { Spikard } from "spikard";

const app = new Spikard();
const greeting = (): string => "hello";
app.get("/greeting", () => greeting);
