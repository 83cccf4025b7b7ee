import { describe, expect, it } from "vitest";
import { SpikardError } from "../errors";
import { joinPaths, parsePathPattern, pathParamNames } from "./path-pattern";

function patternError(pattern: string): SpikardError {
  try {
    parsePathPattern(pattern);
  } catch (e) {
    expect(e).toBeInstanceOf(SpikardError);
    return e as SpikardError;
  }
  throw new Error(`expected ${pattern} to be rejected`);
}

describe("parsePathPattern", () => {
  it("reads the root as no segments and static paths as static segments", () => {
    expect(parsePathPattern("/")).toEqual([]);
    expect(parsePathPattern("/api/v1/users")).toEqual([
      { kind: "static", value: "api" },
      { kind: "static", value: "v1" },
      { kind: "static", value: "users" },
    ]);
  });

  it("keeps a trailing slash as an empty static segment", () => {
    expect(parsePathPattern("/items/")).toEqual([
      { kind: "static", value: "items" },
      { kind: "static", value: "" },
    ]);
  });

  it("reads an untyped parameter", () => {
    expect(parsePathPattern("/users/{user_id}")).toEqual([
      { kind: "static", value: "users" },
      { kind: "param", name: "user_id", type: undefined },
    ]);
  });

  it.each([
    ["int", "int"],
    ["float", "float"],
    ["uuid", "uuid"],
    ["str", "str"],
    ["string", "str"],
  ])("reads {x:%s} as a parameter of type %s", (written, type) => {
    expect(parsePathPattern(`/{x:${written}}`)).toEqual([{ kind: "param", name: "x", type }]);
  });

  it("reads a last {name:path} as a rest segment", () => {
    expect(parsePathPattern("/files/{rest:path}")).toEqual([
      { kind: "static", value: "files" },
      { kind: "rest", name: "rest" },
    ]);
  });

  it("rejects a pattern not starting with a slash", () => {
    const e = patternError("users");
    expect(e.code).toBe("ROUTE_PATTERN");
    expect(e.message).toBe('Route path must start with "/": "users"');
  });

  it("rejects an unknown parameter type", () => {
    const e = patternError("/a/{id:bool}");
    expect(e.code).toBe("ROUTE_PATTERN");
    expect(e.message).toBe('Unknown path parameter type "bool" in /a/{id:bool}; use int, float, uuid, str or path');
  });

  it("rejects a duplicate parameter name, whatever its type", () => {
    expect(patternError("/{id}/x/{id:int}").message).toBe('Duplicate path parameter "id" in /{id}/x/{id:int}');
    expect(patternError("/{p}/{p:path}").message).toMatch(/^Duplicate path parameter "p"/);
  });

  it("rejects {rest:path} anywhere but last", () => {
    const e = patternError("/files/{rest:path}/meta");
    expect(e.code).toBe("ROUTE_PATTERN");
    expect(e.message).toBe("{rest:path} must be the last segment of /files/{rest:path}/meta");
  });

  it.each(["/{id", "/id}", "/{id:}", "/{1id}", "/x{id}", "/{id}x", "/{a-b}", "/{}", "/{id:int:x}"])("rejects the malformed segment in %s", (pattern) => {
    const e = patternError(pattern);
    expect(e.code).toBe("ROUTE_PATTERN");
    expect(e.message).toMatch(/^Malformed parameter segment /);
  });
});

describe("pathParamNames", () => {
  it("lists parameter and rest names in order, skipping static segments", () => {
    expect(pathParamNames(parsePathPattern("/orgs/{org}/repos/{repo:int}/{rest:path}"))).toEqual(["org", "repo", "rest"]);
    expect(pathParamNames(parsePathPattern("/static/only"))).toEqual([]);
  });
});

describe("joinPaths", () => {
  it.each([
    ["", "/users", "/users"],
    ["/", "/users", "/users"],
    ["/api", "/users", "/api/users"],
    ["/api/", "/users", "/api/users"],
    ["/api", "users", "/api/users"],
    ["/api", "/", "/api"],
    ["/api", "", "/api"],
    ["/api/", "/", "/api"],
    ["/api", "/users/", "/api/users/"],
  ])("joinPaths(%j, %j) is %j", (prefix, path, joined) => {
    expect(joinPaths(prefix, path)).toBe(joined);
  });
});
