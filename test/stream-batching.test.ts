import { describe, expect, it } from "vitest";
import { Spikard, StreamingResponse } from "spikard";
import { bothClients } from "./support/clients";

// pipeStream copies what a source yields within one turn into one write (respond.ts ChunkBatch): the body must be
// exactly the chunks in order, whatever their kind and size.
const big = "x".repeat(100 * 1024);
const chunks: Array<string | Uint8Array> = [];
for (let i = 0; i < 3000; i++) chunks.push(i % 7 === 0 ? new TextEncoder().encode(`[b${i}]`) : `é${i}😀`);
chunks.splice(1500, 0, big, new Uint8Array(70 * 1024).fill(65), "tail-of-big");

function build(): Spikard {
  const app = new Spikard();
  app.get("/mixed", () => new StreamingResponse((async function* () { yield* chunks; })(), { mediaType: "text/plain; charset=utf-8" }));
  return app;
}

const expected = Buffer.concat(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)));

describe.each(bothClients(build))("a streamed body batched into writes over %s", (_name, client) => {
  it("is every chunk in order: multi-byte strings, bytes, and chunks bigger than a batch", async () => {
    const res = await client.get("/mixed");
    expect(res.statusCode).toBe(200);
    expect(Buffer.compare(Buffer.from(res.bytes()), expected)).toBe(0);
  });
});
