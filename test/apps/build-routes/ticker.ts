import { Router, type Int, type Path, type Query, type tags } from "spikard";
import type { Tick } from "./types";

export const ticker = new Router({ prefix: "/ticker", tags: ["ticker"] });

// An SSE route on a router with a prefix: its parameters validated as a GET route's, its events written with the yield type.
ticker.sse("/{symbol}", async function* (symbol: Path<string & tags.Pattern<"^[A-Z]{1,5}$">>, count: Query<Int & tags.Minimum<1> & tags.Maximum<5>> = 2): AsyncGenerator<Tick> {
  for (let i = 0; i < count; i++) yield { symbol, price: 100 + i, secret: "never" } as Tick;
});
