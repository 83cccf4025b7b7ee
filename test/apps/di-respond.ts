import { Provide, Spikard, type Inject } from "spikard";

/** Routes whose dependencies cannot be resolved, for builds with `dependencyErrors: "respond"`. */
export function buildRespondApp(logger: Pick<Console, "error" | "warn" | "info">): Spikard {
  const app = new Spikard({ logger });
  app.provide("service_a", Provide((service_b: Inject<number, "service_b">) => service_b + 1));
  app.provide("service_b", Provide((service_a: Inject<number, "service_a">) => service_a + 1));
  app.provide("base", Provide.value(41));
  app.get("/circular", (service_a: Inject<number, "service_a">) => ({ service_a }));
  app.get("/missing", (mailer: Inject<string, "mailer">) => ({ mailer }));
  app.get("/fine", (base: Inject<number, "base">) => ({ answer: base + 1 }));
  return app;
}
