import { Spikard, Router, Response, StreamingResponse, HttpError, type Query, type Path, type Header, type Cookie, type Body, type Int } from "spikard";
import type { tags } from "typia";

/** A user of the example API. */
interface User {
  id: number;
  name: string;
}

/** A payment to record. */
interface Payment {
  /** Client-chosen identifier. */
  id: string & tags.MinLength<3>;
  /** Amount in cents. */
  amount: number & tags.Minimum<0>;
}

/** The port `app.run()` serves ($SPIKARD_PORT or $PORT, default 8000), so the document's server is this one. */
const port = process.env.SPIKARD_PORT || process.env.PORT || "8000";

export const app = new Spikard({
  openapi: {
    title: "Spikard example API",
    version: "1.0.0",
    description: "The README's quick start, served by `npm start`.",
    servers: [{ url: `http://localhost:${port}`, description: "Development" }],
    license: { name: "MIT", url: "https://opensource.org/licenses/MIT" },
  },
});

/**
 * Get a user.
 * @tag users
 */
app.get("/users/{id:int}", async (id: Path<Int>): Promise<User> => ({ id, name: "Alice" }));

/**
 * Search.
 * @param q Free-text query.
 * @param limit Maximum number of results.
 */
app.get("/search", (q: Query<string>, limit: Query<Int> = 10) => ({ query: q, limit }));
app.get("/flags", (active: Query<boolean>, ids?: Query<number[]>) => ({ active, ids }));
app.get("/info", (x_token: Header<string>) => ({ token: x_token }));
app.get("/profile", (session_id: Cookie<string>) => ({ session: session_id }));

/** Record a payment. */
app.post("/payments", (payment: Body<Payment>): Payment => payment);
app.get("/download", () => new Response({ content: new TextEncoder().encode("file data"), mediaType: "application/octet-stream", headers: { "content-disposition": 'attachment; filename="file.bin"' } }));
app.get("/stream", () => {
  async function* generate() {
    for (let i = 0; i < 5; i++) yield `chunk ${i}\n`;
  }
  return new StreamingResponse(generate(), { mediaType: "text/plain" });
});
app.get("/teapot", () => {
  throw new HttpError(418, "I refuse to brew coffee");
});

const users = new Router({ prefix: "/users", tags: ["users"] });
users.get("/{user_id}/profile", (user_id: Path<number>) => ({ id: user_id }));
app.includeRouter(users);
