import { afterAll, describe, expect, it } from "vitest";
import { LiveTestClient, TestClient } from "spikard/testing";
import { buildPruneApp } from "./apps/prune";

// Body<T> drops the properties T does not declare before the handler runs (msgspec's and pydantic's
// default); Body<Strict<T>> rejects them instead.

const live = new LiveTestClient(buildPruneApp());
afterAll(() => live.close());

const BOOK = { title: "Dune", author: { name: "Herbert" }, chapters: [{ n: 1, title: "One" }] };

describe.each([
  ["TestClient", () => new TestClient(buildPruneApp())],
  ["LiveTestClient", () => live],
] as const)("undeclared body properties over %s", (_name, make) => {
  const client = make();
  const seen = async (path: string, json: unknown): Promise<unknown> => JSON.parse((await client.post(path, { json })).assertStatusOk().json().seen);

  it("a PATCH cannot overwrite a property its Partial<NewBook> body does not declare", async () => {
    const res = (await client.patch("/books/b1", { json: { id: "hacked", title: "Dune Messiah" } })).assertStatusOk();
    expect(res.json()).toMatchObject({ id: "b1", title: "Dune Messiah" });
    expect((await client.get("/books/b1")).json().id).toBe("b1");
  });

  it("drops them from nested objects and from every element of an array", async () => {
    const body = { ...BOOK, isAdmin: true, author: { name: "Herbert", born: 1920, secret: "x" }, chapters: [{ n: 1, title: "One", draft: true }, { n: 2, title: "Two", __proto__x: 1 }] };
    expect(await seen("/seen/book", body)).toEqual({ title: "Dune", author: { name: "Herbert", born: 1920 }, chapters: [{ n: 1, title: "One" }, { n: 2, title: "Two" }] });
    expect(await seen("/seen/list", [{ n: 1, extra: 2 }, { n: 3 }])).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it("drops a __proto__ or constructor key sent as data", async () => {
    const text = '{"title":"Dune","author":{"name":"H","__proto__":{"polluted":1}},"chapters":[],"constructor":{"prototype":{"x":1}}}';
    const res = (await client.post("/seen/book", { body: text, headers: { "content-type": "application/json" } })).assertStatusOk();
    expect(JSON.parse(res.json().seen)).toEqual({ title: "Dune", author: { name: "H" }, chapters: [] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("keeps the keys of a Record, and prunes its values", async () => {
    expect(await seen("/seen/record", { a: { n: 1, x: 1 }, b: { n: 2 } })).toEqual({ a: { n: 1 }, b: { n: 2 } });
  });

  it("prunes a union body to the member it matched", async () => {
    expect(await seen("/seen/payment", { method: "card", number: "4242", address: "leaked?" })).toEqual({ method: "card", number: "4242" });
    expect(await seen("/seen/payment", { method: "invoice", address: "Main St", number: "4242" })).toEqual({ method: "invoice", address: "Main St" });
    expect(await seen("/seen/overlap", { a: "x", b: 1, c: true })).toEqual({ a: "x", b: 1 });
    expect(await seen("/seen/overlap", { a: "x", c: true })).toEqual({ a: "x" });
  });

  it("Strict<T> still rejects them (422), instead of dropping", async () => {
    const res = await client.post("/seen/strict", { json: { ...BOOK, isAdmin: true } });
    res.assertStatus(422);
    expect(res.json().errors[0].loc).toEqual(["body", "isAdmin"]);
  });

  it("an invalid body is answered 422 as before, with the undeclared properties untouched in the error", async () => {
    const res = await client.post("/seen/book", { json: { title: "", author: { name: "H" }, chapters: [], extra: 1 } });
    res.assertStatus(422);
    expect(res.json().errors).toHaveLength(1);
  });

  it("drops undeclared fields of url-encoded forms", async () => {
    const res = (await client.post("/seen/form", { form: { name: "ada", age: "36", role: "admin" } })).assertStatusOk();
    expect(JSON.parse(res.json().seen)).toEqual({ name: "ada", age: 36 });
  });
});
