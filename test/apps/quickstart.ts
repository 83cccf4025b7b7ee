import { Body, Cookie, Header, HttpError, Int, Path, Query, Request, Response, Router, Spikard, StreamingResponse } from "spikard";
import type { tags } from "typia";

export interface User {
  id: number;
  name: string;
}

export interface Payment {
  id: string & tags.MinLength<3>;
  /** Amount in cents. */
  amount: number & tags.Minimum<0>;
}

export function buildApp(): Spikard {
  const app = new Spikard();
  app.get("/users/{id:int}", async (id: Path<Int>): Promise<User> => ({ id, name: "Alice" }));
  app.get("/search", (q: Query<string>, limit: Query<Int> = 10) => ({ query: q, limit }));
  app.get("/flags", (active: Query<boolean>, ids?: Query<number[]>) => ({ active, ids }));
  app.get("/info", (x_token: Header<string>) => ({ token: x_token }));
  app.get("/request-id", (id: Header<string, "X-Request-ID">) => ({ id }));
  app.get("/profile", (session_id: Cookie<string>) => ({ session: session_id }));
  app.post("/payments", (payment: Body<Payment>): Payment => payment);
  app.get("/download", () => new Response({ content: new TextEncoder().encode("file data"), mediaType: "application/octet-stream", headers: { "Content-Disposition": 'attachment; filename="file.bin"' } }));
  app.get("/stream", () => {
    async function* generate() {
      for (let i = 0; i < 3; i++) yield `chunk ${i}\n`;
    }
    return new StreamingResponse(generate(), { mediaType: "text/plain" });
  });
  app.get("/text", () => "hello");
  app.get("/bytes", () => new Uint8Array([1, 2, 3]));
  app.post("/created", (item: Body<{ name: string }>) => new Response({ content: item, statusCode: 201, headers: { "x-created": "yes" } }));
  app.get("/teapot", () => {
    throw new HttpError(418, "I refuse to brew coffee");
  });
  app.get("/boom", () => {
    throw new Error("secret internals");
  });
  app.get("/async-boom", async () => {
    await Promise.resolve();
    throw new Error("secret internals");
  });
  app.get("/items/{item_id}", (item_id: number, q?: string) => ({ item_id, q: q ?? null }));
  app.put("/items/{item_id}", (item_id: Path<number>, item: Body<{ name: string }>) => ({ item_id, ...item }));
  app.patch("/items/{item_id}", (item_id: Path<number>) => ({ patched: item_id }));
  app.delete("/items/{item_id}", (item_id: Path<number>) => ({ deleted: item_id }));
  app.options("/items/{item_id}", () => new Response({ statusCode: 204, headers: { allow: "GET, PUT, PATCH, DELETE" } }));
  app.get("/files/{file_path:path}", (file_path: Path<string>) => ({ file_path }));
  app.get("/echo-request", (req: Request) => ({ method: req.method, path: req.path, ua: req.headers["user-agent"] ?? null }));

  const users = new Router({ prefix: "/api/users" });
  users.get("/{user_id}", (user_id: Path<number>) => ({ id: user_id }));
  app.includeRouter(users);
  return app;
}
