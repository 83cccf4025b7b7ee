// expect: SPK008 GET routes take no body
import { Spikard } from "spikard";

interface Filter {
  name: string;
  tags: string[];
}

const app = new Spikard();
app.get("/items", (filter: Filter) => ({ filter }));
