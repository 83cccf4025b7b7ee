// expect: SPK018 Two provided classes are named Cache
import { Spikard } from "spikard";
import { Cache as OtherCache } from "./b";

export class Cache {
  readonly kind = "memory";
}

const app = new Spikard();
app.provide(Cache, { kind: "value", value: new Cache(), singleton: true, cacheable: true, meta: { v: 1, args: [] } });
app.provide(OtherCache, { kind: "value", value: new OtherCache(), singleton: true, cacheable: true, meta: { v: 1, args: [] } });
export default app;
