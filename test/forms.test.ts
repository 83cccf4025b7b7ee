import { afterAll, afterEach, describe, expect, it } from "vitest";
import { LiveTestClient, TestClient } from "spikard/testing";
import { buildBodiesApp } from "./apps/bodies";

// application/x-www-form-urlencoded bodies for typed object bodies, over both clients.

const FORM = { "content-type": "application/x-www-form-urlencoded" };

const live = new LiveTestClient(buildBodiesApp());
afterAll(() => live.close());
afterEach(() => {
  delete (Object.prototype as Record<string, unknown>).polluted;
  delete (Object.prototype as Record<string, unknown>).x;
});

describe.each([
  ["TestClient", new TestClient(buildBodiesApp())],
  ["LiveTestClient", live],
] as const)("url-encoded form bodies over %s", (_name, client) => {
  /** Posts a raw form body, exactly as written. */
  const post = (path: string, body: string) => client.post(path, { body, headers: FORM });

  describe("decoding to the declared types", () => {
    it("coerces fields to the body type: Int, boolean, string[]", async () => {
      const res = (await post("/profile", "name=Ada&age=36&active=true&tags=math&tags=code")).assertStatusOk();
      expect(res.headers["content-type"]).toBe("application/json");
      expect(res.json()).toEqual({ name: "Ada", age: 36, active: true, tags: ["math", "code"] });
    });

    it("encodes the same way from the client's `form` option", async () => {
      const res = await client.post("/profile", { form: { name: "Ada", age: 36, active: false, tags: ["math"] } });
      expect(res.json()).toEqual({ name: "Ada", age: 36, active: false, tags: ["math"] });
    });

    it("makes an array of a single value for array fields", async () => {
      expect((await post("/profile", "name=Ada&age=1&active=1&tags=solo")).json()).toEqual({ name: "Ada", age: 1, active: true, tags: ["solo"] });
    });

    it("reads Spikard's boolean spellings", async () => {
      const active = async (v: string) => (await post("/profile", `name=a&age=1&tags=t&active=${v}`)).json().active;
      expect([await active("true"), await active("TRUE"), await active("1")]).toEqual([true, true, true]);
      expect([await active("false"), await active("0"), await active("")]).toEqual([false, false, false]);
    });

    it("percent-decodes names and values and reads + as a space", async () => {
      const res = await post("/profile", "na%6De=J%C3%B6rg+M%C3%BCller&age=%2B7&active=true&tags=a%26b&tags=c%3Dd");
      expect(res.json()).toEqual({ name: "Jörg Müller", age: 7, active: true, tags: ["a&b", "c=d"] });
    });

    it("keeps a numeric-looking value a string where the type says string", async () => {
      const res = (await post("/codes", "code=123&count=5&ratio=0.25")).assertStatusOk();
      expect(res.json()).toEqual({ code: "123", codeType: "string", count: 5, ratio: 0.25 });
      expect((await post("/codes", "code=007&count=-2")).json()).toEqual({ code: "007", codeType: "string", count: -2, ratio: null });
    });
  });

  describe("brackets: arrays and nested objects", () => {
    it("appends with a[]=", async () => {
      expect((await post("/profile", "name=a&age=1&active=1&tags[]=x&tags[]=y")).json().tags).toEqual(["x", "y"]);
      expect((await post("/profile", "name=a&age=1&active=1&tags%5B%5D=x")).json().tags).toEqual(["x"]);
      // An empty value is still an element.
      expect((await post("/profile", "name=a&age=1&active=1&tags[]=")).json().tags).toEqual([""]);
    });

    it("builds nested objects from user[name]= and arrays from items[0]=", async () => {
      const res = (await post("/signup", "user[name]=Ada&user[age]=36&items[0]=a&items[1]=b")).assertStatusOk();
      expect(res.json()).toEqual({ user: { name: "Ada", age: 36 }, items: ["a", "b"] });
    });

    it("answers 400 for indexed arrays with holes", async () => {
      const res = await post("/signup", "user[name]=Ada&user[age]=36&items[0]=a&items[2]=b");
      res.assertStatus(400);
      expect(res.headers["content-type"]).toBe("application/json");
      expect(res.json()).toEqual({ error: "Failed to parse URL-encoded form data: missing index, expected: 1 got 2" });
    });

    it("never lets bracket keys reach __proto__ or constructor.prototype", async () => {
      const res = (await post("/merge", "__proto__[polluted]=true&constructor[prototype][x]=1&a=1")).assertStatusOk();
      // Form values stay strings in a Record<string, unknown>, so `a` is not a number here.
      expect(res.json()).toEqual({ keys: ["a"], a: null, assignedProtoPolluted: false, globalPolluted: false, objectPrototypeX: false });
    });
  });

  describe("validation", () => {
    it("reports values that do not decode at ['body', field]", async () => {
      const res = await post("/profile", "name=Ada&age=abc&active=maybe&tags=x");
      res.assertStatus(422);
      expect(res.json()).toEqual({
        type: "https://spikard.dev/errors/validation-error",
        title: "Request Validation Failed",
        status: 422,
        detail: "2 validation errors in request",
        errors: [
          { type: "bool_parsing", loc: ["body", "active"], msg: "Input should be a valid boolean", input: "maybe" },
          { type: "int_parsing", loc: ["body", "age"], msg: "Input should be a valid integer, unable to parse string as an integer", input: "abc" },
        ],
      });
    });

    it("reports missing fields with the decoded form as input", async () => {
      const res = await post("/profile", "name=Ada&active=on&tags=x");
      res.assertStatus(422);
      expect(res.json().errors).toEqual([
        { type: "bool_parsing", loc: ["body", "active"], msg: "Input should be a valid boolean", input: "on" },
        { type: "missing", loc: ["body", "age"], msg: "Field required", input: { name: "Ada", active: "on", tags: ["x"] } },
      ]);
    });

    it("reports nested fields with their full location", async () => {
      const res = await post("/signup", "user[name]=Ada&user[age]=old&items[]=a");
      res.assertStatus(422);
      expect(res.json().errors).toEqual([
        { type: "int_parsing", loc: ["body", "user", "age"], msg: "Input should be a valid integer, unable to parse string as an integer", input: "old" },
      ]);
    });

    it("validates an empty form as an object with every field missing", async () => {
      const res = await post("/codes", "");
      res.assertStatus(422);
      expect(res.json().errors.map((e: { type: string; loc: unknown }) => [e.type, e.loc])).toEqual([
        ["missing", ["body", "code"]],
        ["missing", ["body", "count"]],
      ]);
    });
  });
});
