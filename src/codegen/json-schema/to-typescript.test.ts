import { describe, expect, it } from "vitest";
import { writeType, type TypeWriterOptions } from "./to-typescript";

const notes: string[] = [];
const server: TypeWriterOptions = { tags: true, document: true, comments: false, ref: (r) => r.split("/").pop()!, binary: () => "UploadFile", report: (p, m) => void notes.push(`${p}: ${m}`) };
const plain: TypeWriterOptions = { ...server, tags: false, document: false, binary: () => "Blob" };
const ts = (s: unknown, o = server): string => writeType(s, "#", o).replace(/\s+/g, " ");

describe("JSON Schema → TypeScript with typia tags", () => {
  it.each([
    [{ type: "string", minLength: 1, maxLength: 5 }, "(string & tags.MinLength<1> & tags.MaxLength<5>)"],
    [{ type: "string", pattern: "^a+$" }, '(string & tags.Pattern<"^a+$">)'],
    [{ type: "string", format: "email" }, '(string & tags.Format<"email">)'],
    [{ type: "string", format: "binary" }, "UploadFile"],
    [{ type: "integer", minimum: 0, maximum: 9 }, '(number & tags.Type<"int64"> & tags.Minimum<0> & tags.Maximum<9>)'],
    [{ type: "integer", format: "int32" }, '(number & tags.Type<"int32"> & tags.JsonSchemaPlugin<{ format: "int32" }>)'],
    [{ type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1, multipleOf: 0.25 }, "(number & tags.ExclusiveMinimum<0> & tags.ExclusiveMaximum<1> & tags.MultipleOf<0.25>)"],
    [{ type: "number", minimum: 0, exclusiveMinimum: true }, "(number & tags.ExclusiveMinimum<0>)"],
    [{ type: "array", items: { type: "string" }, minItems: 1, maxItems: 3, uniqueItems: true }, "(Array<string> & tags.MinItems<1> & tags.MaxItems<3> & tags.UniqueItems)"],
    [{ enum: ["a", "b", null] }, '"a" | "b" | null'],
    [{ const: 3 }, "3"],
    [{ type: "string", default: "x" }, '(string & tags.Default<"x">)'],
    [{ type: "boolean", default: true }, "(boolean & tags.JsonSchemaPlugin<{ default: true }>)"],
    [{ enum: ["a", "b"], default: "a" }, '("a" | "b") & tags.JsonSchemaPlugin<{ default: "a" }>'],
    [{ type: "string", nullable: true }, "string | null"],
    [{ type: ["string", "null"] }, "string | null"],
    [{ $ref: "#/components/schemas/Pet" }, "Pet"],
    [{ $ref: "#/components/schemas/Pet", nullable: true }, "Pet | null"],
    [{ allOf: [{ $ref: "#/c/A" }, { $ref: "#/c/B" }] }, "A & B"],
    [{ oneOf: [{ $ref: "#/c/Cat" }, { $ref: "#/c/Dog" }], discriminator: { propertyName: "kind", mapping: { cat: "#/c/Cat" } } }, '(Cat & { kind: "cat" }) | (Dog & { kind: "Dog" })'],
    [{ type: "object", additionalProperties: { type: "integer" } }, '{ [key: string]: (number & tags.Type<"int64">); }'],
    [{ type: "object", properties: { a: { type: "string" } }, required: ["a"], minProperties: 1 }, '({ a: string; } & MinProperties<1>)'],
    [{ type: "string", not: { enum: ["x"] } }, '(string & Rule<"![\\"x\\"].includes($input)", "{\\"enum\\":[\\"x\\"]} is not allowed for {input}">)'],
    [{ type: "object", properties: { "x-y": { type: "string" } } }, '{ "x-y"?: string; }'],
  ])("%j → %s", (schema, expected) => {
    expect(ts(schema)).toBe(expected);
  });

  it("writes plain types for a client: no tags, files as Blob", () => {
    expect(ts({ type: "object", required: ["f"], properties: { f: { type: "string", format: "binary" }, n: { type: "integer", minimum: 1 } } }, plain)).toBe("{ f: Blob; n?: number; }");
  });

  it("reports what it documents without checking, with the pointer", () => {
    notes.length = 0;
    writeType({ type: "object", properties: { d: { type: "string", format: "ipv7" }, e: { type: "string", if: {} } } }, "#/components/schemas/X", server);
    expect(notes).toEqual(['#/components/schemas/X/properties/d/format: format "ipv7" is documented but not checked', "#/components/schemas/X/properties/e/if: if is not checked"]);
  });
});
