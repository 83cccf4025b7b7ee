import { describe, expect, it } from "vitest";
import { SchemaCheck } from "../openapi/schema-check";
import { SAMPLE_FILE, sampleValue } from "./sample";

const components = {
  schemas: {
    Pet: { type: "object", required: ["id", "name", "tags"], properties: { id: { type: "integer", minimum: 10, multipleOf: 5 }, name: { type: "string", pattern: "^[a-z]{3,6}-[0-9]{2}$" }, tags: { type: "array", items: { type: "string", enum: ["a", "b", "c"] }, minItems: 2, uniqueItems: true } } },
  },
};
const check = new SchemaCheck({ components });
const resolve = (ref: string): unknown => components.schemas[ref.split("/").pop() as "Pet"];

describe("sample values", () => {
  it.each([
    [{ $ref: "#/components/schemas/Pet" }],
    [{ type: "string", format: "uuid" }],
    [{ type: "string", format: "date-time" }],
    [{ type: "string", minLength: 12, maxLength: 14 }],
    [{ type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 }],
    [{ type: "integer", minimum: -20, maximum: -10 }],
    [{ type: "object", minProperties: 2, properties: { a: { type: "boolean" }, b: { type: "null" } } }],
    [{ oneOf: [{ type: "null" }, { type: "string", format: "email" }] }],
    [{ allOf: [{ type: "object", required: ["a"], properties: { a: { const: 1 } } }, { type: "object", required: ["b"], properties: { b: { type: "string" } } }] }],
    [{ type: ["integer", "null"], minimum: 3 }],
  ])("satisfy %j", (schema) => {
    const v = sampleValue(schema, resolve);
    expect(check.problem(v, schema)).toBeUndefined();
  });

  it("are the same on every run", () => {
    expect(sampleValue({ $ref: "#/components/schemas/Pet" }, resolve)).toEqual(sampleValue({ $ref: "#/components/schemas/Pet" }, resolve));
  });

  it("stand for files with a marker", () => {
    expect(sampleValue({ type: "string", format: "binary" }, resolve)).toBe(SAMPLE_FILE);
  });
});
