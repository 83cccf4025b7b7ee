// Hono on @hono/node-server with @hono/zod-validator, its documented way to validate.
import { serve } from "@hono/node-server";
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { z } from "zod";

const int = (min, max) => z.coerce.number().int().min(min).max(max);

const item = z.object({
  name: z.string().min(1).max(100),
  price: z.number().min(0),
  quantity: z.number().int().min(1).max(1000),
  tags: z.array(z.string().min(1)).max(10),
});

const order = z.object({
  id: z.string().regex(/^ORD-[0-9]{6}$/),
  customer: z.object({
    name: z.string().min(1).max(100),
    email: z.string().min(3).max(254),
    address: z.object({ street: z.string().min(1), city: z.string().min(1), zip: z.string().regex(/^[0-9]{5}$/), country: z.string().length(2) }),
  }),
  items: z
    .array(z.object({ sku: z.string().regex(/^[A-Z]{3}-[0-9]{4}$/), name: z.string().min(1).max(100), quantity: z.number().int().min(1).max(1000), price: z.number().min(0) }))
    .min(1)
    .max(100),
  note: z.string().max(500),
});

const signup = z.object({ username: z.string().min(3).max(30), age: int(0, 150), subscribe: z.stringbool(), email: z.string().min(3).max(254) });

// 422 with every issue, like the other servers.
const valid = (target, schema) =>
  zValidator(target, schema, (result, c) => {
    if (!result.success) return c.json({ errors: result.error.issues }, 422);
  });

const app = new Hono();

app.get("/hello", (c) => c.text("Hello, World!"));

app.get(
  "/query",
  valid("query", z.object({ name: z.string().min(1).max(50), age: int(0, 150), active: z.stringbool(), limit: int(1, 100).default(10) })),
  (c) => c.json(c.req.valid("query")),
);

app.get("/users/:user_id/posts/:post_id", valid("param", z.object({ user_id: int(1, Number.MAX_SAFE_INTEGER), post_id: int(1, Number.MAX_SAFE_INTEGER) })), (c) =>
  c.json(c.req.valid("param")),
);

app.post("/items", valid("json", item), (c) => c.json(c.req.valid("json")));
app.post("/orders", valid("json", order), (c) => c.json(c.req.valid("json")));
app.post("/form", valid("form", signup), (c) => c.json(c.req.valid("form")));

app.post("/upload", valid("form", z.object({ description: z.string().min(1), file: z.instanceof(File) })), (c) => {
  const { file, description } = c.req.valid("form");
  return c.json({ filename: file.name, size: file.size, description });
});

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 9104), hostname: "127.0.0.1" });
