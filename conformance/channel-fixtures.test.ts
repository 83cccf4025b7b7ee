import { describe, expect, it } from "vitest";
import { exampleOf, resolveRef, specProtocol } from "./channel-fixtures";

describe("channel fixtures", () => {
  it("makes payloads that satisfy the schema's enum, const, bounds and formats", () => {
    const root = { components: { schemas: { User: { type: "object", required: ["id"], properties: { id: { type: "string", format: "uuid" }, n: { type: "integer", minimum: 3 } } } } } };
    const schema = {
      type: "object",
      properties: {
        kind: { const: "k" },
        level: { type: "string", enum: ["info", "warning"] },
        code: { type: "string", minLength: 12, maxLength: 14 },
        short: { type: "string", maxLength: 3 },
        tags: { type: "array", minItems: 2, items: { type: "string" } },
        user: { $ref: "#/components/schemas/User" },
        at: { type: "string", format: "date-time" },
      },
    };
    expect(exampleOf(root, schema)).toEqual({
      kind: "k",
      level: "info",
      code: "example_code",
      short: "exa",
      tags: ["example_tags", "example_tags"],
      user: { id: "550e8400-e29b-41d4-a716-446655440000", n: 3 },
      at: "2024-01-15T10:30:00Z",
    });
    expect((exampleOf(root, { type: "string", minLength: 20 }) as string).length).toBe(20);
  });

  it("detects the protocol from the first server, as Spikard's generator does", () => {
    expect(specProtocol({ servers: { a: { protocol: "wss" } } })).toBe("websocket");
    expect(specProtocol({ servers: { a: { protocol: "https" } } })).toBe("sse");
    expect(specProtocol({ servers: { a: { protocol: "kafka" } } })).toBe("kafka");
    expect(specProtocol({})).toBe("websocket");
  });

  it("follows references, with escaped segments, and stops on cycles", () => {
    const root = { a: { "b/c": { x: 1 } }, loop: { $ref: "#/loop" } };
    expect(resolveRef(root, { $ref: "#/a/b~1c" })).toEqual({ x: 1 });
    expect(resolveRef(root, { $ref: "#/loop" })).toEqual({ $ref: "#/loop" });
  });
});
