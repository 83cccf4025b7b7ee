// expect: SPK004 cannot be decoded from a query string
import { Spikard, type Query } from "spikard";

const app = new Spikard();
app.get("/items", (filter: Query<{ name: string }>) => ({ filter }));
