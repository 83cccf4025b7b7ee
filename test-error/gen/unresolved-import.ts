// expect: SPK020 imports "typia-not-installed", which does not resolve from this project
import { Spikard, type Body } from "spikard";
import type { tags } from "typia-not-installed";

interface Payment {
  id: string & tags.MinLength<3>;
}

export const app = new Spikard();
app.post("/payments", (payment: Body<Payment>) => payment);
