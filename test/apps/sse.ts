import { setTimeout as sleep } from "node:timers/promises";
import { HttpError, SseEvent, Spikard, type Header, type Query } from "spikard";
import type { tags } from "typia";

// SSE routes for test/sse.test.ts; `probe` records what the server-side generators did.

export interface Notification {
  message: string;
  count: number & tags.Type<"int32"> & tags.Minimum<0>;
}

export interface Probe {
  finallyAt: Map<string, number>;
  produced: Map<string, number>;
}

export const newProbe = (): Probe => ({ finallyAt: new Map(), produced: new Map() });

export function buildSseApp(probe: Probe, logger: Pick<Console, "error" | "warn" | "info"> = console): Spikard {
  const app = new Spikard({ logger, compression: { minSize: 1 }, cors: { allowedOrigins: ["https://app.example"] } });

  // The seed's form: each yielded value is one JSON `data:` event; Last-Event-ID resumes.
  app.sse("/notifications", async function* (lastEventId?: Header<number & tags.Type<"int32">, "Last-Event-ID">, n: Query<number & tags.Type<"int32">> = 3): AsyncGenerator<Notification | SseEvent<Notification>> {
    const from = lastEventId === undefined ? 0 : lastEventId + 1;
    for (let i = from; i < from + n; i++) yield new SseEvent({ data: { message: `Notification ${i}`, count: i }, id: String(i) });
  });

  app.sse("/fields", function* (): Generator<SseEvent<Notification | string> | string> {
    yield new SseEvent({ data: { message: "alert!", count: 1 }, event: "alert", id: "42", retry: 5000 });
    yield "line one\nline two\r\nline three";
    yield new SseEvent({ retry: 250 });
    yield new SseEvent({ data: "", event: "empty" });
  });

  app.sse("/bad-field", async function* (kind: Query<"id" | "event" | "retry">) {
    yield { message: "first", count: 0 };
    // On a socket a dropped connection loses what is still in flight: the first event goes out first.
    await sleep(50);
    if (kind === "id") yield new SseEvent({ data: { message: "x", count: 1 }, id: "1\n2" });
    if (kind === "event") yield new SseEvent({ data: { message: "x", count: 1 }, event: "a\rb" });
    yield new SseEvent({ data: { message: "x", count: 1 }, retry: -1 });
  });

  app.sse("/mistyped", async function* (): AsyncGenerator<Notification> {
    yield { message: "ok", count: 1 };
    yield { message: "negative", count: -5 };
    yield { message: "bad", count: "seven" } as unknown as Notification;
    yield { message: "after", count: 2 };
  });

  // Nothing to say for a while: keep-alive comments fill the silence.
  app.sse(
    "/quiet",
    async function* (signal: AbortSignal) {
      await sleep(10_000, undefined, { signal }).catch(() => undefined);
      yield { message: "late", count: 0 };
    },
    { keepAlive: 0.05 },
  );

  // Events every 5 ms for 300 ms, then silence: no keep-alive while they flow, then one within the interval.
  app.sse(
    "/busy-then-quiet",
    async function* (signal: AbortSignal) {
      for (let i = 0; i < 60; i++) {
        await sleep(5);
        yield { message: "busy", count: i };
      }
      await sleep(10_000, undefined, { signal }).catch(() => undefined);
    },
    { keepAlive: 0.1 },
  );

  // A generator waiting on a timer when the client leaves: the AbortSignal ends the wait at once.
  app.sse("/waiting/{name}", async function* (name: string, signal: AbortSignal) {
    try {
      for (let i = 0; ; i++) {
        await sleep(1000, undefined, { signal });
        yield { message: "tick", count: i };
      }
    } finally {
      probe.finallyAt.set(name, Date.now());
    }
  });

  // As fast as the client takes them: a slow client stalls it (backpressure), a fast one drains it.
  app.sse("/firehose/{name}", async function* (name: string) {
    const pad = "x".repeat(1024);
    try {
      for (let i = 0; ; i++) {
        probe.produced.set(name, i + 1);
        yield { message: pad, count: i };
      }
    } finally {
      probe.finallyAt.set(name, Date.now());
    }
  });

  // Refused before any event: an async function may throw an HttpError, then return the generator.
  app.sse("/private", async (token?: Header<string, "X-Token">) => {
    if (token !== "letmein") throw new HttpError(403, "no entry");
    return (async function* () {
      yield { message: "welcome", count: 0 };
    })();
  });

  app.sse("/fails", async function* () {
    yield { message: "one", count: 1 };
    await sleep(50);
    throw new Error("generator exploded");
  });

  return app;
}
