import { describe, expect, it } from "vitest";
import type { ValidationErrorDetail } from "../problem";
import type { TypiaError } from "../runtime/meta";
import { canonicalJson, enumKey, mapTypiaErrors, parsePath, sortByLoc, type MapContext } from "./error-mapper";

const err = (path: string, expected: string, value: unknown): TypiaError => ({ path, expected, value });

/** Maps one error on body field `v` (`$input.v`). */
function body(expected: string, value: unknown, extra: Partial<MapContext> = {}): ValidationErrorDetail {
  const out = mapTypiaErrors([err("$input.v", expected, value)], ["body"], { root: { v: value }, source: "body", ...extra });
  expect(out).toHaveLength(1);
  return out[0]!;
}

describe("mapTypiaErrors: tags in pydantic format", () => {
  it.each<[string, unknown, string, string, Record<string, unknown> | undefined]>([
    ["string & MinLength<3>", "ab", "string_too_short", "String should have at least 3 characters", { min_length: 3 }],
    ["string & MaxLength<5>", "abcdef", "string_too_long", "String should have at most 5 characters", { max_length: 5 }],
    ["number & Minimum<0>", -1, "greater_than_equal", "Input should be greater than or equal to 0", { ge: 0 }],
    ["number & ExclusiveMinimum<0>", 0, "greater_than", "Input should be greater than 0", { gt: 0 }],
    ["number & Maximum<10>", 11, "less_than_equal", "Input should be less than or equal to 10", { le: 10 }],
    ["number & ExclusiveMaximum<10>", 10, "less_than", "Input should be less than 10", { lt: 10 }],
    ["number & Minimum<0.5>", 0, "greater_than_equal", "Input should be greater than or equal to the minimum", undefined],
    ["number & Maximum<1.5>", 2, "less_than_equal", "Input should be less than or equal to the maximum", undefined],
    ["number & MultipleOf<5>", 7, "validation_error", "7 is not a multiple of 5", undefined],
    ['string & Pattern<"^[a-z]+$">', "A", "string_pattern_mismatch", "String should match pattern '^[a-z]+$'", { pattern: "^[a-z]+$" }],
    ["Array<string> & MinItems<2>", ["a"], "too_short", "List should have at least 2 item after validation", { min_length: 2 }],
    ["Array<string> & MaxItems<1>", ["a", "b"], "too_long", "List should have at most 1 items after validation", { max_length: 1 }],
    ["Array<number> & UniqueItems<true>", [1, 1], "validation_error", "[1,1] has non-unique elements", undefined],
    ['number & Type<"int32">', 1.5, "int_parsing", "Input should be a valid integer, unable to parse string as an integer", undefined],
    ['string & Format<"uuid">', "x", "uuid_parsing", "Input should be a valid UUID", undefined],
    ['string & Format<"date-time">', "x", "datetime_parsing", "Input should be a valid datetime", undefined],
    ['string & Format<"date">', "x", "date_parsing", "Input should be a valid date", undefined],
    ['string & Format<"ipv4">', "x", "format_error", '"x" is not a "ipv4"', undefined],
  ])("%s with %j → %s", (expected, value, type, msg, ctx) => {
    expect(body(expected, value)).toEqual({ type, loc: ["body", "v"], msg, input: value, ...(ctx ? { ctx } : {}) });
  });

  it("reports a failed email format as Spikard's email pattern", () => {
    const d = body('string & Format<"email">', "nope");
    expect(d.type).toBe("string_pattern_mismatch");
    expect(d.msg).toBe(`String should match pattern '${String(d.ctx!.pattern)}'`);
    expect(new RegExp(String(d.ctx!.pattern)).test("a@b.co")).toBe(true);
  });

  it("reports a parameter's constraint failure with the wire string, but a failed integer check with the decoded value", () => {
    const mc: MapContext = { root: 50, wire: "50.0", source: "query" };
    expect(mapTypiaErrors([err("$input", "number & Maximum<10>", 50)], ["query", "n"], mc)[0]!.input).toBe("50.0");
    expect(mapTypiaErrors([err("$input", 'number & Type<"int32">', 1.5)], ["query", "n"], { ...mc, wire: "1.5" })[0]!.input).toBe(1.5);
  });

  it("reports a parameter's enum failure with the wire string, not the decoded number", () => {
    expect(mapTypiaErrors([err("$input", "(1 | 2)", 9)], ["query", "n"], { root: 9, wire: "9", source: "query" })[0]!.input).toBe("9");
  });

  it("names a bound of 1 for minItems/maxItems it cannot look up below an array index", () => {
    const root = { v: [{ t: ["a", "b"] }] };
    const at = (expected: string) => mapTypiaErrors([err("$input.v[0].t", expected, ["a", "b"])], ["body"], { root, source: "body" })[0];
    expect(at("Array<string> & MinItems<3>")).toMatchObject({ type: "too_short", msg: "List should have at least 1 item after validation", ctx: { min_length: 1 } });
    expect(at("Array<string> & MaxItems<1>")).toMatchObject({ type: "too_long", msg: "List should have at most 1 items after validation", ctx: { max_length: 1 } });
  });

  it("classifies a body's format failure by JSON Schema's message, which quotes the input", () => {
    expect(body('string & Format<"uri">', "my email")).toMatchObject({ type: "string_pattern_mismatch" });
    expect(body('string & Format<"hostname">', "a-uuid-host")).toMatchObject({ type: "uuid_parsing", msg: "Input should be a valid UUID" });
    expect(body('string & Format<"time">', "update")).toMatchObject({ type: "date_parsing" });
    expect(body('string & Format<"time">', "noon")).toMatchObject({ type: "format_error", msg: '"noon" is not a "time"' });
  });

  it("reports a parameter's uuid, time and duration as Spikard's parse errors; path, header and cookie uuids name the character", () => {
    const param = (expected: string, wire: string, source: MapContext["source"]) => mapTypiaErrors([err("$input", expected, wire)], [source, "p"], { root: wire, wire, source })[0]!;
    expect(param('string & Format<"uuid">', "nope", "query").msg).toBe("Input should be a valid UUID");
    expect(param('string & Format<"uuid">', "12ab-x", "path").msg).toBe(
      "Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `1` at 5",
    );
    expect(param('string & Format<"uuid">', "😀", "header").msg).toMatch(/found `😀` at 0$/);
    expect(param('string & Format<"uuid">', "", "cookie").msg).toMatch(/found `\?` at 0$/);
    expect(param('string & Format<"time">', "noon", "query")).toMatchObject({ type: "time_parsing", msg: "Input should be a valid time", input: "noon" });
    expect(param('string & Format<"duration">', "soon", "query")).toMatchObject({ type: "duration_parsing", msg: "Input should be a valid duration" });
    expect(param('string & Format<"ipv4">', "1.2.3", "query")).toMatchObject({ type: "format_error", msg: '"1.2.3" is not a "ipv4"' });
  });
});

describe("mapTypiaErrors: tags in constraint format", () => {
  const constraint = { format: "constraint" as const };
  it.each<[string, unknown, string, Record<string, unknown>]>([
    ["string & MinLength<3>", "é😀", "String length must be at least 3", { min_length: 3, actual_length: 2 }],
    ["string & MaxLength<5>", "abcdef", "String length must not exceed 5", { max_length: 5, actual_length: 7 }],
    ["number & Minimum<0>", -1, "Value must be at least 0", { minimum: 0, value: -1 }],
    ["number & ExclusiveMinimum<0>", 0, "Value must be greater than 0", { exclusive_minimum: 0, value: 0 }],
    ["number & Maximum<10>", 11, "Value must not exceed 10", { maximum: 10, value: 11 }],
    ["number & ExclusiveMaximum<10>", 10, "Value must be less than 10", { exclusive_maximum: 10, value: 10 }],
    ["number & MultipleOf<5>", 7, "Value must be a multiple of 5", { multiple_of: 5, value: 7 }],
    ['string & Pattern<"^[a-z]+$">', "A", "String does not match pattern", { pattern: "^[a-z]+$", value: "A" }],
    ["Array<string> & MinItems<2>", ["a"], "Array must contain at least 2 items", { min_items: 2, actual_items: 1 }],
    ["Array<string> & MaxItems<1>", ["a", "b"], "Array must not contain more than 1 items", { max_items: 1, actual_items: 2 }],
    ["Array<number> & UniqueItems<true>", [1, 2, 1], "Array items must be unique", { unique_items: true, duplicate_value: 1, duplicate_index: 2 }],
    ['string & Format<"email">', "x", "Invalid email format", { format: "email", value: "x" }],
    ['string & Format<"ipv6">', "x", "Invalid IPv6 format", { format: "ipv6", value: "x" }],
    ['string & Format<"made-up">', "x", "Invalid made-up format", { format: "made-up", value: "x" }],
  ])("%s with %j → %s, without input", (expected, value, msg, ctx) => {
    expect(body(expected, value, constraint)).toEqual({ type: "validation_error", loc: ["body", "v"], msg, ctx });
  });

  it("words a bearer pattern on a header as a token check, and elsewhere as a pattern", () => {
    const e = [err("$input", 'string & Pattern<"^Bearer .+$">', "Basic x")];
    expect(mapTypiaErrors(e, ["headers", "authorization"], { root: "Basic x", source: "header", format: "constraint" })[0]!.msg).toBe("Invalid Bearer token format");
    expect(mapTypiaErrors(e, ["query", "auth"], { root: "Basic x", source: "query", format: "constraint" })[0]!.msg).toBe("String does not match pattern");
  });

  it("falls back to pydantic wording for tags it does not cover", () => {
    expect(body('number & Type<"int32">', 1.5, constraint)).toMatchObject({ type: "int_parsing", input: 1.5 });
  });
});

describe("mapTypiaErrors: missing and extra fields", () => {
  it("reports a missing body field with its parent object as input", () => {
    const root = { user: { age: 3 } };
    expect(mapTypiaErrors([err("$input.user.name", "string", undefined)], ["body"], { root, source: "body" })).toEqual([
      { type: "missing", loc: ["body", "user", "name"], msg: "Field required", input: { age: 3 } },
    ]);
  });

  it("reports a missing parameter with input null", () => {
    expect(mapTypiaErrors([err("$input", "string", undefined)], ["query", "q"], { root: undefined, source: "query" })).toEqual([
      { type: "missing", loc: ["query", "q"], msg: "Field required", input: null },
    ]);
  });

  it("reports one additional property per object: the first in key order", () => {
    const root = { a: 1, zeta: 2, alpha: 3, inner: { y: 1, x: 2 } };
    const errors = [
      err("$input.zeta", "undefined", 2),
      err("$input.alpha", "undefined", 3),
      err("$input.inner.y", "undefined", 1),
      err("$input.inner.x", "undefined", 2),
    ];
    const extra = (loc: string[], field: string, input: unknown) => ({
      type: "validation_error",
      loc,
      msg: "Additional properties are not allowed",
      ctx: { additional_properties: false, unexpected_field: field },
      input,
    });
    expect(mapTypiaErrors(errors, ["body"], { root, source: "body" })).toEqual([
      extra(["body", "alpha"], "alpha", root),
      extra(["body", "inner", "x"], "x", root.inner),
    ]);
  });

  it("keeps only the first error at a location (the failed tag before the enclosing type)", () => {
    const errors = [err("$input.v", "string & MinLength<3>", "a"), err("$input.v", "(string & MinLength<3>)", "a")];
    expect(mapTypiaErrors(errors, ["body"], { root: { v: "a" }, source: "body" }).map((d) => d.type)).toEqual(["string_too_short"]);
  });
});

describe("mapTypiaErrors: types, enums and unions", () => {
  it("lists enum members in typia's order, or in declared order when given", () => {
    expect(body('("a" | "b" | "c")', "z")).toEqual({ type: "enum", loc: ["body", "v"], msg: "Input should be 'a', 'b' or 'c'", input: "z", ctx: { expected: "'a', 'b' or 'c'" } });
    const enums = { [enumKey(["c", "a", "b"])]: ["c", "a", "b"] };
    expect(body('("a" | "b" | "c")', "z", { enums })).toMatchObject({ msg: "Input should be 'c', 'a' or 'b'", ctx: { expected: "'c', 'a' or 'b'" } });
  });

  it("lists only an enum's string members, as Spikard does, and reads 'allowed values' when there are none", () => {
    expect(body('("big" | 2 | "small")', "mid")).toMatchObject({ msg: "Input should be 'big' or 'small'", ctx: { expected: "'big' or 'small'" } });
    expect(body('("big" | 2)', "mid")).toMatchObject({ msg: "Input should be 'big'", ctx: { expected: "'big'" } });
    expect(body("(1 | 2)", 3)).toEqual({ type: "enum", loc: ["body", "v"], msg: "Input should be one of the allowed values", input: 3, ctx: { expected: "allowed values" } });
  });

  it("gives an enum below an array index generic wording and no ctx", () => {
    const out = mapTypiaErrors([err("$input.v[1]", '("a" | "b")', "z")], ["body"], { root: { v: ["a", "z"] }, source: "body" });
    expect(out).toEqual([{ type: "enum", loc: ["body", "v", "1"], msg: "Input should be one of the allowed values", input: "z" }]);
  });

  it("names the body's own wrong type 'unknown': Spikard looks it up under a property named body", () => {
    expect(mapTypiaErrors([err("$input", "Cat", [1])], ["body"], { root: [1], source: "body" })).toEqual([
      { type: "type_error", loc: ["body"], msg: "Input should be a valid unknown", input: [1] },
    ]);
  });

  it("reports a single literal as JSON Schema's const", () => {
    expect(body('"on"', "off")).toEqual({ type: "validation_error", loc: ["body", "v"], msg: '"on" was expected', input: "off" });
  });

  it("reports a union of object types with anyOf wording and canonical JSON", () => {
    expect(body("(Cat | Dog)", { b: 2, a: 1 })).toEqual({
      type: "validation_error",
      loc: ["body", "v"],
      msg: `{"a":1,"b":2} is not valid under any of the schemas listed in the 'anyOf' keyword`,
      input: { b: 2, a: 1 },
    });
  });

  it("formats a Rule tag's message with the input, or a default", () => {
    expect(body('string & Rule<"/^[a-z]+$/.test($input)", "{input} is not a slug ({input})">', "A B")).toEqual({
      type: "validation_error",
      loc: ["body", "v"],
      msg: '"A B" is not a slug ("A B")',
      input: "A B",
    });
    expect(body('string & Rule<"false">', "x").msg).toBe("Validation failed");
  });

  it.each<[string, unknown, "body" | "query", string, string]>([
    ['(number & Type<"int32">)', "x", "body", "int_parsing", "Input should be a valid integer, unable to parse string as an integer"],
    ["number", "x", "body", "float_parsing", "Input should be a valid number, unable to parse string as a number"],
    ["boolean", "x", "body", "bool_parsing", "Input should be a valid boolean"],
    ["boolean", "x", "query", "bool_parsing", "Input should be a valid boolean, unable to interpret input"],
    ["string", 1, "body", "string_type", "Input should be a valid string"],
    ["Array<string>", 1, "body", "type_error", "Input should be a valid array"],
    ["Cat", 1, "body", "type_error", "Input should be a valid object"],
    ["Date", "x", "body", "datetime_parsing", "Input should be a valid datetime"],
    ["(null | number)", "x", "body", "type_error", "Input should be a valid unknown"],
  ])("a wrong %s (%j in %s) → %s", (expected, value, source, type, msg) => {
    const out =
      source === "body"
        ? mapTypiaErrors([err("$input.v", expected, value)], ["body"], { root: { v: value }, source })
        : mapTypiaErrors([err("$input", expected, value)], [source, "v"], { root: value, source });
    expect(out).toEqual([{ type, loc: [source, "v"], msg, input: value }]);
  });
});

describe("mapTypiaErrors: arrays", () => {
  it("falls back to generic wording without ctx inside body arrays", () => {
    const root = { tags: ["ok", "a"], n: [-1] };
    const out = mapTypiaErrors(
      [err("$input.tags[1]", "string & MinLength<3>", "a"), err("$input.n[0]", "number & Minimum<0>", -1), err("$input.tags[0]", "string", 5)],
      ["body"],
      { root, source: "body" },
    );
    expect(out).toEqual([
      { type: "string_too_short", loc: ["body", "tags", "1"], msg: "String is too short", input: "a" },
      { type: "greater_than_equal", loc: ["body", "n", "0"], msg: "Input should be greater than or equal to the minimum", input: -1 },
      { type: "type_error", loc: ["body", "tags", "0"], msg: "Input should be a valid unknown", input: 5 },
    ]);
  });

  it("names an array parameter, not the index, and reports the wire string of a bad item", () => {
    const mc: MapContext = { root: [1, "x"], raw: ["1", "x"], source: "query" };
    expect(mapTypiaErrors([err("$input[1]", '(number & Type<"int32">)', "x")], ["query", "ids"], mc)).toEqual([
      { type: "int_parsing", loc: ["query", "ids"], msg: "Input should be a valid integer, unable to parse string as an integer", input: "x" },
    ]);
  });
});

describe("parsePath", () => {
  it.each<[string, string[]]>([
    ["$input", []],
    ["$input.a.b[2][\"x-y\"]", ["a", "b", "2", "x-y"]],
    ["$input[0][1]", ["0", "1"]],
    [String.raw`$input["say \"hi\""].c`, ['say "hi"', "c"]],
    ['$input["a.b"]["c[0]"]', ["a.b", "c[0]"]],
  ])("%s → %j", (path, parts) => {
    expect(parsePath(path)).toEqual(parts);
  });
});

describe("sortByLoc", () => {
  it("orders by location, parents before children, keeping the order of equal locations", () => {
    const d = (loc: Array<string | number>, msg: string): ValidationErrorDetail => ({ type: "t", loc, msg });
    const sorted = sortByLoc([d(["body", "b"], "1"), d(["body", "a", "x"], "2"), d(["body", "a"], "3"), d(["body", "b"], "4"), d(["query", "a"], "5")]);
    expect(sorted.map((e) => e.msg)).toEqual(["3", "2", "1", "4", "5"]);
  });
});

describe("canonicalJson and enumKey", () => {
  it("sorts object keys at every depth and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson("x")).toBe('"x"');
  });

  it("gives the same key for the same literals in any order, and different keys for different types", () => {
    expect(enumKey(["b", "a"])).toBe(enumKey(["a", "b"]));
    expect(enumKey([1, 2])).not.toBe(enumKey(["1", "2"]));
  });
});

describe("sortByLoc with array indices", () => {
  it("orders indices numerically", () => {
    const mk = (loc: string[]) => ({ type: "t", loc, msg: "m" });
    expect(sortByLoc([mk(["body", "items", "10"]), mk(["body", "items", "2"])]).map((e) => e.loc[2])).toEqual(["2", "10"]);
  });
});
