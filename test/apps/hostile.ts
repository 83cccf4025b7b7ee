import { Spikard, type Body, type Query } from "spikard";

interface Payment {
  id: string;
  amount: number;
}

/** Routes a hostile client aims at: a JSON body, a raw body, and a plain GET to check the server still answers. */
export function buildHostileApp(): Spikard {
  const app = new Spikard();
  app.get("/health", () => ({ ok: true }));
  app.post("/payments", (payment: Body<Payment>) => ({ received: payment.id }));
  app.post("/raw", (raw: Body<Uint8Array>) => ({ size: raw.byteLength }));
  app.get("/echo", (q: Query<string>) => q);
  return app;
}
