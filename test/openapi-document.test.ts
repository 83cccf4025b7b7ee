import { describe, expect, it } from "vitest";
import { buildDocumentedApp } from "./apps/documented";

type Json = Record<string, any>;
const doc = buildDocumentedApp().openapi() as Json;
const op = (path: string, method: string): Json => doc.paths[path][method];
const statuses = (path: string, method: string): string[] => Object.keys(op(path, method).responses);
const types = (path: string, method: string, status: string): string[] => Object.keys(op(path, method).responses[status].content ?? {});

describe("what the transformer documents from the handler", () => {
  it("component names keep to ^[a-zA-Z0-9._-]+$ and every $ref resolves", () => {
    const names = Object.keys(doc.components.schemas);
    for (const name of names) expect(name).toMatch(/^[a-zA-Z0-9._-]+$/);
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(names).toContain(ref);
    // An UploadFile<"image/png" | "image/jpeg"> field is a file part, inline.
    expect(JSON.stringify(doc.components.schemas)).toContain('"image":{"type":"string","format":"binary"}');
  });

  it("a Path<number> under {id:int} is an integer", () => {
    expect(op("/items/{id}", "get").parameters[0].schema).toEqual({ type: "integer" });
  });

  it("literal unions are enums, in parameters, arrays and components", () => {
    expect(op("/sizes", "get").parameters[0].schema).toEqual({ type: "string", enum: ["s", "m", "l"] });
    expect(op("/sizes", "get").parameters[1].schema).toEqual({ type: "array", items: { type: "integer", enum: [1, 2, 3] } });
    expect(doc.components.schemas.Item.properties.size).toEqual({ type: "string", enum: ["s", "m", "l"] });
  });

  it("gives every operation an operationId: the route option, then JSDoc, then one derived from method and path, unique", () => {
    expect(op("/chosen", "get").operationId).toBe("pickedByOption");
    expect(op("/jsdoc", "get").operationId).toBe("pickedByJsDoc");
    expect(op("/items/{id}", "get").operationId).toBe("getItemsById");
    expect([op("/a-b", "get").operationId, op("/a_b", "get").operationId]).toEqual(["getAB", "getAB_2"]);
    const ids = Object.values(doc.paths as Record<string, Record<string, Json>>).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("defines every tag an operation uses", () => {
    expect(op("/tagged", "get").tags).toEqual(["shop", "extra"]);
    expect(doc.tags).toEqual([{ name: "extra" }, { name: "shop" }]);
  });

  it("gives streaming routes the media type they stream (octet-stream when none is given)", () => {
    expect(types("/events", "get", "200")).toEqual(["text/event-stream"]);
    expect(types("/blob", "get", "200")).toEqual(["application/octet-stream"]);
  });

  it("documents a 204 Response as 204, without content, and a statusCode option as the status of plain returns", () => {
    expect(statuses("/items/{id}", "delete")).toEqual(["204", "422"]);
    expect(op("/items/{id}", "delete").responses["204"].content).toBeUndefined();
    expect(statuses("/purge", "post")).toEqual(["204"]);
  });

  it("documents each status of a Response<T, S> union with its body", () => {
    const put = op("/items/{id}", "put").responses;
    expect(Object.keys(put)).toEqual(["200", "201", "400", "409", "413", "415", "422"]);
    expect(put["201"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Item" });
    expect(put["409"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Conflict" });
  });

  it("documents thrown HttpErrors and JSDoc @response, by type or by description", () => {
    const find = op("/find/{id}", "get").responses;
    expect(find["403"].content).toEqual({ "application/problem+json": { schema: { $ref: "#/components/schemas/ProblemDetails" } } });
    expect(find["404"]).toEqual({ description: "No such item", content: { "application/json": { schema: { $ref: "#/components/schemas/Conflict" } } } });
    expect(find["410"]).toEqual({ description: "The item was withdrawn", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/ProblemDetails" } } } });
  });

  it("documents 400, 415 and 422 for a typed body, 413 for any body, and only 413 for bytes", () => {
    expect(statuses("/avatars", "post")).toEqual(["200", "400", "413", "415", "422"]);
    expect(statuses("/raw", "post")).toEqual(["200", "400", "413"]);
  });
});

describe("what the server's configuration adds to every operation", () => {
  const configured = buildDocumentedApp({
    jwtAuth: { secret: "s" },
    cors: { allowedOrigins: ["https://a.example"] },
    rateLimit: { perSecond: 1, burst: 1 },
    requestTimeout: 5,
  }).openapi() as Json;

  it("401 with authentication, 403 with CORS, 408 with a timeout, 429 (and 503 for its store) with a rate limit", () => {
    const responses = configured.paths["/items/{id}"].get.responses;
    expect(Object.keys(responses)).toEqual(["200", "401", "403", "408", "422", "429", "503"]);
    expect(responses["503"].content).toEqual({ "application/problem+json": { schema: { $ref: "#/components/schemas/ProblemDetails" } } });
    expect(responses["401"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/ProblemDetails" });
    expect(responses["403"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/CorsRejection" });
    expect(responses["429"].content).toEqual({ "application/problem+json": { schema: { $ref: "#/components/schemas/ProblemDetails" } } });
    expect(configured.paths["/items/{id}"].get.security).toEqual([{ bearerAuth: [] }]);
  });

  it("leaves out what a route skips, and follows its own bodyLimit and timeout", () => {
    const health = configured.paths["/health"].get;
    expect(Object.keys(health.responses)).toEqual(["200", "408"]);
    expect(health.security).toEqual([]);
    expect(Object.keys(configured.paths["/unlimited"].post.responses)).toEqual(["200", "400", "401", "403", "408", "429", "503"]);
  });

  it("no 413 for a non-multipart body when maxBodySize is null", () => {
    const unlimited = buildDocumentedApp({ maxBodySize: null }).openapi() as Json;
    expect(Object.keys(unlimited.paths["/raw"].post.responses)).toEqual(["200", "400"]);
    expect(Object.keys(unlimited.paths["/avatars"].post.responses)).toContain("413");
  });

  it("leaves out the rejection schemas no operation refers to", () => {
    expect(Object.keys(doc.components.schemas)).not.toContain("CorsRejection");
    expect(Object.keys(configured.components.schemas)).toContain("CorsRejection");
  });
});
