import { describe, expect, it } from "vitest";
import { SpikardError } from "../errors";
import { parsePathPattern } from "./path-pattern";
import { RouteTable } from "./route-table";

function table(...routes: Array<[method: string, pattern: string]>): RouteTable<string> {
  const t = new RouteTable<string>();
  for (const [method, pattern] of routes) t.add(method, pattern, parsePathPattern(pattern), `${method} ${pattern}`);
  return t;
}

/** The route a path reaches for `method`, with its params, or undefined. */
function find(t: RouteTable<string>, path: string, method = "GET"): { route: string | undefined; params: string[] } | undefined {
  const m = t.find(path);
  return m === undefined ? undefined : { route: m.methods[method], params: m.params };
}

describe("RouteTable", () => {
  it("finds static routes and misses unknown paths", () => {
    const t = table(["GET", "/"], ["GET", "/health"]);
    expect(find(t, "/")).toEqual({ route: "GET /", params: [] });
    expect(find(t, "/health")).toEqual({ route: "GET /health", params: [] });
    expect(t.find("/missing")).toBeUndefined();
  });

  it("keeps every method of a path in one map", () => {
    const t = table(["GET", "/items/{id}"], ["DELETE", "/items/{id}"]);
    expect(Object.keys(t.find("/items/1")!.methods).sort()).toEqual(["DELETE", "GET"]);
  });

  it("prefers a static route over a parameter, whichever was added first", () => {
    const t = table(["GET", "/users/{id}"], ["GET", "/users/me"]);
    expect(find(t, "/users/me")).toEqual({ route: "GET /users/me", params: [] });
    expect(find(t, "/users/42")).toEqual({ route: "GET /users/{id}", params: ["42"] });
  });

  it("prefers a static trie child over a parameter", () => {
    const t = table(["GET", "/u/{id}/{tab}"], ["GET", "/u/me/{tab}"]);
    expect(find(t, "/u/me/posts")).toEqual({ route: "GET /u/me/{tab}", params: ["posts"] });
  });

  it("backtracks from a static child that dead-ends to a parameter, dropping its captures", () => {
    const t = table(["GET", "/u/me/{tab}/settings"], ["GET", "/u/{id}/posts"]);
    expect(find(t, "/u/me/posts")).toEqual({ route: "GET /u/{id}/posts", params: ["me"] });
    expect(find(t, "/u/me/posts/settings")).toEqual({ route: "GET /u/me/{tab}/settings", params: ["posts"] });
  });

  it("gives each route exactly its own captures when deeper patterns share the table", () => {
    const t = table(["GET", "/a/{x}"], ["GET", "/a/{x}/{y}/{z}"], ["GET", "/f/{p:path}"]);
    expect(find(t, "/a/1")!.params).toStrictEqual(["1"]);
    expect(find(t, "/a/1/2/3")!.params).toStrictEqual(["1", "2", "3"]);
    expect(find(t, "/f/x/y")!.params).toStrictEqual(["x/y"]);
    expect(t.find("/a/1/2")).toBeUndefined();
  });

  it("captures the remainder, slashes included, for {rest:path}", () => {
    const t = table(["GET", "/static/{rest:path}"]);
    expect(find(t, "/static/css/app.css")).toEqual({ route: "GET /static/{rest:path}", params: ["css/app.css"] });
  });

  it("tries a parameter before {rest:path}", () => {
    const t = table(["GET", "/x/{id}"], ["GET", "/x/{rest:path}"]);
    expect(find(t, "/x/1")).toEqual({ route: "GET /x/{id}", params: ["1"] });
    expect(find(t, "/x/1/2")).toEqual({ route: "GET /x/{rest:path}", params: ["1/2"] });
  });

  it("percent-decodes parameter segments, %2F included", () => {
    const t = table(["GET", "/users/{name}"]);
    expect(find(t, "/users/Ada%20L")?.params).toEqual(["Ada L"]);
    expect(find(t, "/users/a%2Fb")?.params).toEqual(["a/b"]);
  });

  it("keeps a malformed escape in a parameter as written", () => {
    const t = table(["GET", "/users/{name}"]);
    expect(find(t, "/users/%zz")?.params).toEqual(["%zz"]);
  });

  it("decodes the rest of the path without turning %2F into a separator", () => {
    const t = table(["GET", "/files/{p:path}"]);
    expect(find(t, "/files/a%20b/c%2Fd")?.params).toEqual(["a b/c%2Fd"]);
  });

  it("matches percent-encoded static segments, in static routes and in the trie", () => {
    const t = table(["GET", "/café"], ["GET", "/café/{id}"]);
    expect(find(t, "/caf%C3%A9")).toEqual({ route: "GET /café", params: [] });
    expect(find(t, "/caf%C3%A9/7")).toEqual({ route: "GET /café/{id}", params: ["7"] });
  });

  it("treats /p and /p/ as the same route", () => {
    const t = table(["GET", "/users"], ["GET", "/items/"], ["GET", "/users/{id}"]);
    expect(find(t, "/users/")?.route).toBe("GET /users");
    expect(find(t, "/items")?.route).toBe("GET /items/");
    expect(find(t, "/users/42/")).toEqual({ route: "GET /users/{id}", params: ["42"] });
  });

  it("does not let an empty segment fill a parameter", () => {
    const t = table(["GET", "/users/{id}"], ["GET", "/a/{id}/posts"]);
    expect(t.find("/users/")).toBeUndefined();
    expect(t.find("/a//posts")).toBeUndefined();
  });

  it("finds children the same way past the in-place comparison's fan-out (Map lookup)", () => {
    // 12 static siblings under /v: more than are compared in place, so the segment is looked up by value.
    const names = Array.from({ length: 12 }, (_, i) => `s${i}`);
    const t = table(...names.map((n) => ["GET", `/v/${n}/{id}`] as [string, string]), ["GET", "/v/{other}/x"], ["GET", "/v/caf\u00e9/{id}"]);
    for (const n of names) expect(find(t, `/v/${n}/7`)).toEqual({ route: `GET /v/${n}/{id}`, params: ["7"] });
    expect(find(t, "/v/s1x/x")).toEqual({ route: "GET /v/{other}/x", params: ["s1x"] });
    expect(find(t, "/v/caf%C3%A9/3")).toEqual({ route: "GET /v/caf\u00e9/{id}", params: ["3"] });
    expect(t.find("/v/s1")).toBeUndefined();
  });

  it("compares a static segment in place by its whole length, not as a prefix", () => {
    const t = table(["GET", "/users/{id}"], ["GET", "/users/me/x"], ["GET", "/{a}/{b}/{c}"]);
    expect(find(t, "/users/mex")).toEqual({ route: "GET /users/{id}", params: ["mex"] });
    expect(find(t, "/users/m")).toEqual({ route: "GET /users/{id}", params: ["m"] });
    expect(find(t, "/users/me/x")).toEqual({ route: "GET /users/me/x", params: [] });
    expect(find(t, "/usersx/me/x")).toEqual({ route: "GET /{a}/{b}/{c}", params: ["usersx", "me", "x"] });
  });

  it("rejects the same method on the same path, static or dynamic", () => {
    const t = table(["GET", "/a"], ["GET", "/u/{id}"], ["GET", "/f/{p:path}"]);
    const cases: Array<[string, string]> = [
      ["/a", "Route GET /a is registered twice."],
      ["/u/{name}", "Route GET /u/{name} is registered twice."],
      ["/f/{q:path}", "Route GET /f/{q:path} is registered twice."],
    ];
    for (const [pattern, message] of cases) {
      const add = () => t.add("GET", pattern, parsePathPattern(pattern), "again");
      expect(add).toThrow(SpikardError);
      expect(add).toThrow(message);
    }
    expect(() => t.add("POST", "/a", [], "POST /a")).not.toThrow();
  });
});
