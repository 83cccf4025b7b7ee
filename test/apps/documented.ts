import { HttpError, Response, Spikard, StreamingResponse, UploadFile, type Body, type Path, type Query, type ServerConfig } from "spikard";

export interface Item {
  id: number;
  name: string;
  size: "s" | "m" | "l";
}
export interface Conflict {
  reason: string;
}
interface Avatar {
  image: UploadFile<"image/png" | "image/jpeg">;
}
type ItemSummary = Pick<Item, "id" | "name">;

/** Each route shows one thing the document must say. */
export function buildDocumentedApp(config: ServerConfig = {}): Spikard {
  const app = new Spikard({ openapi: { title: "documented" }, ...config });
  app.get("/items/{id:int}", (id: Path<number>): ItemSummary => ({ id, name: "x" }));
  app.get("/sizes", (size: Query<"s" | "m" | "l">, counts?: Query<Array<1 | 2 | 3>>) => ({ size, counts: counts ?? [] }));
  app.post("/avatars", (avatar: Body<Avatar>) => ({ name: avatar.image.filename }));
  app.get("/chosen", () => "x", { operationId: "pickedByOption" });
  /** @operationId pickedByJsDoc */
  app.get("/jsdoc", () => "x");
  app.get("/a-b", () => "x");
  app.get("/a_b", () => "x");
  /** @tag shop */
  app.get("/tagged", () => "x", { tags: ["extra"] });
  app.get("/events", () => new StreamingResponse(["data: 1\n\n"], { mediaType: "text/event-stream" }));
  app.get("/blob", () => new StreamingResponse(["x"]));
  app.delete("/items/{id:int}", (id: Path<number>) => new Response({ statusCode: id > 0 ? 204 : 204 }));
  app.post("/purge", () => undefined, { statusCode: 204 });
  app.put("/items/{id:int}", (id: Path<number>, item: Body<Item>): Response<Item, 200 | 201> | Response<Conflict, 409> => new Response({ content: { ...item, id }, statusCode: 201 }));
  /**
   * Find an item.
   * @response 404 Conflict No such item
   * @response 410 The item was withdrawn
   */
  app.get("/find/{id:int}", (id: Path<number>) => {
    if (id === 0) throw new HttpError(403, "hidden");
    return { id };
  });
  app.post("/raw", (raw: Body<Uint8Array>) => ({ size: raw.length }));
  app.get("/health", () => "ok", { skip: ["jwtAuth", "rateLimit", "cors"] });
  app.post("/unlimited", (raw: Body<Uint8Array>) => raw.length, { bodyLimit: Infinity, timeout: 2 });
  return app;
}
