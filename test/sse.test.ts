import { setTimeout as sleep } from "node:timers/promises";
import { collectingLogger, until, type CollectingLogger } from "./support/until";
import { afterAll, describe, expect, it } from "vitest";
import { LiveTestClient, TestClient } from "spikard/testing";
import { buildSseApp, newProbe, type Probe } from "./apps/sse";

// Server-Sent Events over the in-memory adapter (TestClient) and a real socket (LiveTestClient): the same route
// plan, the one response writer with its backpressure, and the same stream text.


const memProbe = newProbe();
const liveProbe = newProbe();
const memLogger = collectingLogger();
const liveLogger = collectingLogger();
const live = new LiveTestClient(buildSseApp(liveProbe, liveLogger));
afterAll(() => live.close());


describe.each([
  ["TestClient", new TestClient(buildSseApp(memProbe, memLogger)), memProbe, memLogger],
  ["LiveTestClient", live, liveProbe, liveLogger],
] as const)("SSE over %s", (_name, client, probe: Probe, logged) => {
  it("streams typed events as text/event-stream with no-cache, never compressed", async () => {
    const res = await client.get("/notifications", { headers: { "accept-encoding": "gzip, br", origin: "https://app.example" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/event-stream");
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.headers["access-control-allow-origin"]).toBe("https://app.example");
    expect(res.text()).toBe(
      'data: {"message":"Notification 0","count":0}\nid: 0\n\n' + 'data: {"message":"Notification 1","count":1}\nid: 1\n\n' + 'data: {"message":"Notification 2","count":2}\nid: 2\n\n',
    );
  });

  it("async-iterates parsed events, resuming after Last-Event-ID (a typed header)", async () => {
    const events = [];
    for await (const e of client.sse("/notifications", { lastEventId: "41", query: { n: 2 } })) events.push(e);
    expect(events.map((e) => [e.id, e.data])).toEqual([
      ["42", { message: "Notification 42", count: 42 }],
      ["43", { message: "Notification 43", count: 43 }],
    ]);
    const bad = await client.get("/notifications", { headers: { "last-event-id": "nope" } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json<{ errors: Array<{ loc: string[] }> }>().errors[0]!.loc).toEqual(["headers", "last-event-id"]);
  });

  it("writes event, id and retry as given, and splits multi-line data into data: lines", async () => {
    const res = await client.get("/fields");
    expect(res.text()).toBe(
      'data: {"message":"alert!","count":1}\nevent: alert\nid: 42\nretry: 5000\n\n' + "data: line one\ndata: line two\ndata: line three\n\n" + "retry: 250\n\n" + "data: \nevent: empty\n\n",
    );
    const parsed = await client.sse("/fields").take(3);
    expect(parsed.map((e) => [e.event, e.id, e.retry, e.text])).toEqual([
      ["alert", "42", 5000, '{"message":"alert!","count":1}'],
      ["message", "42", undefined, "line one\nline two\nline three"],
      ["empty", "42", undefined, ""],
    ]);
  });

  it.each(["id", "event", "retry"])("refuses an SseEvent whose %s would break the stream: logged, connection dropped", async (kind) => {
    const before = logged.errors.length;
    const stream = client.sse("/bad-field", { query: { kind } });
    expect((await stream.next())?.data).toEqual({ message: "first", count: 0 });
    await expect(stream.next()).rejects.toThrow();
    await until(() => logged.errors.length > before);
    expect(logged.errors.slice(before).join("\n")).toMatch(kind === "retry" ? /retry must be a whole number/ : new RegExp(`${kind} must be a string without CR`));
  });

  it("never writes event data that does not match the declared type, and logs it", async () => {
    const before = logged.errors.length;
    const events = await client.sse("/mistyped").take(5);
    expect(events.map((e) => e.data)).toEqual([
      { message: "ok", count: 1 },
      { message: "after", count: 2 },
    ]);
    const lines = logged.errors.slice(before).join("\n");
    expect(lines).toContain("SSE /mistyped: an event's data does not match its declared type ($input.count is not number & Minimum<0>); not sent");
    expect(lines).toContain('($input.count is not (number & Type<"int32"> & Minimum<0>)); not sent');
  });

  it("sends a keep-alive comment while no event is due (configurable interval)", async () => {
    const stream = client.sse("/quiet");
    expect((await stream.response).statusCode).toBe(200);
    await until(() => stream.comments.length >= 3, 2000);
    expect(stream.comments.every((c) => c === "keep-alive")).toBe(true);
    stream.close();
  });

  it("sends no keep-alive while events flow, and one within the interval once they stop", async () => {
    const stream = client.sse("/busy-then-quiet");
    const events = await stream.take(60);
    expect(events.map((e) => (e.data as { count: number }).count)).toEqual([...Array(60).keys()]);
    expect(stream.comments).toEqual([]);
    const quietFrom = Date.now();
    await until(() => stream.comments.length >= 1, 2000);
    // At most the interval (100 ms) of silence, with room for a loaded machine.
    expect(Date.now() - quietFrom).toBeLessThan(1000);
    stream.close();
  });

  it("runs the generator's finally within 100 ms of the client leaving (an AbortSignal ends its wait)", async () => {
    const name = `wait-${_name}`;
    const stream = client.sse(`/waiting/${name}`);
    expect((await stream.response).statusCode).toBe(200);
    await sleep(50);
    const left = Date.now();
    stream.close();
    await until(() => probe.finallyAt.has(name), 1000);
    expect(probe.finallyAt.get(name)! - left).toBeLessThan(100);
  });

  it("applies a slow client's backpressure to the generator instead of buffering, and finishes it promptly on leave", async () => {
    const name = `slow-${_name}`;
    const stream = client.sse(`/firehose/${name}`, { highWaterMark: 16 * 1024 });
    const first = await stream.take(5);
    expect(first.map((e) => (e.data as { count: number }).count)).toEqual([0, 1, 2, 3, 4]);
    // The reader stops here: the generator must stall once the buffers are full (on a socket the kernel's
    // buffers take a while to fill as its window closes).
    let stalled = -1;
    for (let i = 0; i < 20 && probe.produced.get(name) !== stalled; i++) {
      stalled = probe.produced.get(name)!;
      await sleep(200);
    }
    await sleep(300);
    expect(probe.produced.get(name)).toBe(stalled);
    // Bounded by buffers (the client's, the kernel's on a socket), not by time: ~1 KiB events.
    expect(stalled).toBeLessThan(20_000);
    // Reading on frees the buffers, and the generator goes on where it stopped.
    const next = await stream.next();
    expect((next!.data as { count: number }).count).toBe(5);
    for (let read = 0; probe.produced.get(name)! === stalled && read < 40_000; read++) await stream.next();
    expect(probe.produced.get(name)!).toBeGreaterThan(stalled);
    const left = Date.now();
    stream.close();
    await until(() => probe.finallyAt.has(name), 1000);
    expect(probe.finallyAt.get(name)! - left).toBeLessThan(100);
  });

  it("does not keep the server from other requests while a generator with nothing to await streams to a fast reader", async () => {
    const name = `fast-${_name}`;
    const stream = client.sse(`/firehose/${name}`, { highWaterMark: 1024 * 1024 });
    let reading = true;
    const reader = (async () => {
      while (reading) await stream.next();
    })();
    await until(() => (probe.produced.get(name) ?? 0) > 1000);
    const started = Date.now();
    for (let i = 0; i < 5; i++) expect((await client.get("/notifications", { query: { n: 1 } })).statusCode).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
    reading = false;
    stream.close();
    await reader.catch(() => undefined);
  });

  it("keeps memory bounded while a client reads slowly", async () => {
    const name = `memory-${_name}`;
    const stream = client.sse(`/firehose/${name}`, { highWaterMark: 16 * 1024 });
    await stream.take(1);
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 20; i++) {
      await sleep(25);
      await stream.take(1);
    }
    const produced = probe.produced.get(name)!;
    // What was produced is what was read plus what the buffers hold, not what a free-running generator makes.
    expect(produced).toBeLessThan(21 + 20_000);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
    stream.close();
  });

  it("answers an HttpError thrown before the first event, and validation errors, as HTTP responses", async () => {
    const refused = await client.get("/private");
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ status: 403, detail: "no entry" });
    const stream = client.sse("/private", { headers: { "x-token": "letmein" } });
    expect((await stream.take(1))[0]!.data).toEqual({ message: "welcome", count: 0 });
    const bad = await client.get("/notifications", { query: { n: "many" } });
    expect(bad.statusCode).toBe(422);
  });

  it("drops the connection when the generator fails midway, and logs it", async () => {
    const before = logged.errors.length;
    const stream = client.sse("/fails");
    expect((await stream.next())?.data).toEqual({ message: "one", count: 1 });
    await expect(stream.next()).rejects.toThrow();
    await until(() => logged.errors.slice(before).some((l) => l.includes("generator exploded")));
  });
});
