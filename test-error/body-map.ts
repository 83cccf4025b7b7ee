// expect: SPK014 a Map at body.stock
import { Spikard, type Body } from "spikard";

interface Inventory {
  warehouse: string;
  stock: Map<string, number>;
}

const app = new Spikard();
app.post("/inventory", (inventory: Body<Inventory>) => ({ warehouse: inventory.warehouse }));
