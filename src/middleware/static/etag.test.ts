import { describe, expect, it } from "vitest";
import { noneMatch } from "./etag";

const tag = 'W/"1a-18c"';

describe("noneMatch (weak comparison)", () => {
  it.each([tag, '"1a-18c"', `"zz", ${tag}`, '"zz",W/"1a-18c"', ' \t"1a-18c" ', "*", '"other", *'])("matches %j", (header) => {
    expect(noneMatch(header, tag)).toBe(true);
  });

  it.each(["", '"1a-18"', 'W/"1a-18c', "1a-18c", 'w/"1a-18c"', '"1a-18c-x"', 'W/"1a"-18c"', "garbage, *"])("does not match %j", (header) => {
    expect(noneMatch(header, tag)).toBe(false);
  });

  it("compares a strong resource tag weakly too", () => {
    expect(noneMatch('W/"abc"', '"abc"')).toBe(true);
    expect(noneMatch('"abc"', '"abc"')).toBe(true);
  });
});
