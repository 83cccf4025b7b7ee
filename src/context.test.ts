import { describe, expect, it } from "vitest";
import { Request } from "./context";
import type { AdapterRequest } from "./adapter/types";

function raw(over: Partial<AdapterRequest> = {}): AdapterRequest {
  const headers: Record<string, string> = { "x-token": "abc", cookie: "sid=1; theme=dark" };
  return {
    method: "GET",
    path: "/users/7",
    query: "q=a%20b&limit=5",
    header: (name) => headers[name],
    headers: () => ({ ...headers }),
    remoteAddress: () => "127.0.0.1",
    detach: () => {},
    ...over,
  };
}

describe("Request", () => {
  it("reads through to the adapter's request until something is replaced", () => {
    const req = new Request(raw(), ["7"], ["id"]);
    expect([req.method, req.path]).toEqual(["GET", "/users/7"]);
    expect(req.header("X-Token")).toBe("abc");
    expect(req.queryParam("limit")).toBe("5");
    expect(req.queryParam("q")).toBe("a b");
    expect(req.pathValue(0)).toBe("7");
    expect(req.params).toEqual({ id: "7" });
    expect(req.cookies).toEqual({ sid: "1", theme: "dark" });
    expect(req.remoteAddress).toBe("127.0.0.1");
    expect(req.state).toEqual({});
  });

  it("sees what a hook replaced, field by field, in every accessor", () => {
    const req = new Request(raw(), ["7"], ["id"]);
    req.method = "POST";
    req.path = "/rewritten";
    req.headers = { "x-token": "replaced" };
    req.query = { limit: "9" };
    req.params = { id: "8" };
    req.cookies = { sid: "2" };
    req.state = { step: 1 };
    expect([req.method, req.path]).toEqual(["POST", "/rewritten"]);
    expect(req.header("x-token")).toBe("replaced");
    expect(req.queryParam("limit")).toBe("9");
    expect(req.queryParam("q")).toBeUndefined();
    expect(req.pathValue(0)).toBe("8");
    expect(req.cookies).toEqual({ sid: "2" });
    expect(req.state).toEqual({ step: 1 });
  });

  it("keeps one state record for the whole request", () => {
    const req = new Request(raw(), [], []);
    req.state.a = 1;
    req.state.b = 2;
    expect(req.state).toEqual({ a: 1, b: 2 });
  });
});
