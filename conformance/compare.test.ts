import { describe, expect, it } from "vitest";
import { firstDifference } from "./compare";

const res = (status: number, body: unknown) => ({ status, headers: { "content-type": ["application/json"] }, body: Buffer.from(JSON.stringify(body)) });

describe("the runner's failure lines", () => {
  it("show two long bodies from just before their first difference", () => {
    const head = { type: "https://spikard.dev/errors/validation-error", title: "Request Validation Failed", status: 422, detail: "1 validation error in request" };
    const got = { ...head, errors: [{ type: "string_pattern_mismatch", loc: ["headers", "authorization"], msg: "String should match pattern '^Digest .+'", input: "Other", ctx: { pattern: "^Digest .+" } }] };
    const want = { ...head, errors: [{ type: "string_pattern_mismatch", loc: ["headers", "authorization"], msg: "String should match pattern '^Digest .+'", input: "Other" }] };
    const line = firstDifference({ status_code: 422, body: want }, res(422, got));
    expect(line).toMatch(/^body differs at character \d+: …/);
    expect(line).toContain(`"input":"Other","ctx":{"pattern":"^Digest .+"}}]}, expected …`);
    expect(line!.endsWith(`"input":"Other"}]}`)).toBe(true);
  });

  it("show short bodies whole", () => {
    expect(firstDifference({ status_code: 200, body: { a: 1 } }, res(200, { a: 2 }))).toBe('body {"a":2}, expected {"a":1}');
    expect(firstDifference({ status_code: 200, body: { a: 1 } }, res(200, { a: 1 }))).toBeUndefined();
  });
});
