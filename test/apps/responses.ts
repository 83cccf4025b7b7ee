import fs from "node:fs";
import { Readable } from "node:stream";
import { Response, Spikard, StreamingResponse, type Body } from "spikard";

export interface Event {
  id: number;
  kind: string;
}

export const EVENTS: Event[] = [
  { id: 1, kind: "created" },
  { id: 2, kind: "updated" },
  { id: 3, kind: "deleted" },
];

export interface Numbers {
  int: number;
  neg: number;
  frac: number;
  big: number;
  tiny: number;
  negZero: number;
  nan: number;
  inf: number;
  list: number[];
  nested: { n: number };
}

/** Members told apart only by a nested object's shape: the serializer tests each member in full. */
export type Shape = { at: { x: string } } | { at: { y: number } };
export const SHAPES: Shape[] = [{ at: { x: "s" } }, { at: { y: 2.5 } }];

/** Members told apart by a literal tag. */
export type Pet = { kind: "cat"; lives: number } | { kind: "dog"; good: boolean };
export const PETS: Pet[] = [{ kind: "dog", good: true }, { kind: "cat", lives: 9 }];

/** Streamed and fully controlled responses. `streamFile` is served by /stream/file. */
export function buildResponsesApp(streamFile: string): Spikard {
  const app = new Spikard();

  app.get("/stream/ndjson", () => {
    async function* events() {
      for (const e of EVENTS) {
        await new Promise((r) => setTimeout(r, 1));
        yield `${JSON.stringify(e)}\n`;
      }
    }
    return new StreamingResponse(events(), { mediaType: "application/x-ndjson" });
  });
  app.get("/stream/sync", () => new StreamingResponse(["alpha,", new TextEncoder().encode("beta,"), "", "gamma"], { mediaType: "text/csv", headers: { "x-stream": "sync" } }));
  app.get("/stream/file", () => new StreamingResponse(fs.createReadStream(streamFile), { mediaType: "application/octet-stream" }));
  app.get("/stream/sized", () => new StreamingResponse(["hello ", "world"], { mediaType: "text/plain", headers: { "content-length": "11" } }));
  app.get("/stream/readable", () => new StreamingResponse(Readable.from(["r1\n", "r2\n"]), { statusCode: 202, mediaType: "text/plain" }));

  app.get("/response/bytes", () => new Response({ content: new Uint8Array([0, 1, 2, 254, 255]) }));
  app.get("/response/text", () => new Response({ content: "plain words" }));
  app.get("/response/object", () => new Response({ content: { ok: true, list: [1, 2] } }));
  app.get("/response/svg", () => new Response({ content: "<svg/>", mediaType: "image/svg+xml" }));
  app.post("/response/created", (event: Body<Event>) =>
    new Response({ content: event, statusCode: 201, headers: { location: `/events/${event.id}`, "x-request-kind": event.kind } }).setCookie("last", String(event.id), { httpOnly: true }),
  );
  app.delete("/response/empty", () => new Response({ statusCode: 204 }));
  // Typed serialization of numbers the way JSON.stringify writes them.
  app.get("/numbers", (): Numbers => ({ int: 42, neg: -7, frac: 0.1 + 0.2, big: 1e21, tiny: 5e-7, negZero: -0, nan: NaN, inf: -Infinity, list: [1, 2.5, NaN], nested: { n: 3 } }));
  // Unions of objects: the serializer picks each value's member at run time.
  app.get("/shapes", (): Shape[] => SHAPES);
  app.get("/pets", (): Pet[] => PETS);
  return app;
}
