// Fastify 5 as its users write it: JSON-schema validation (Ajv, coercion and
// defaults on) and response schemas, which let fast-json-stringify serialise.
import Fastify from "fastify";
import formbody from "@fastify/formbody";
import multipart from "@fastify/multipart";

const str = (min = 0, max, pattern) => ({ type: "string", minLength: min, ...(max !== undefined && { maxLength: max }), ...(pattern && { pattern }) });
const int = (min, max) => ({ type: "integer", ...(min !== undefined && { minimum: min }), ...(max !== undefined && { maximum: max }) });
const object = (properties) => ({ type: "object", required: Object.keys(properties), properties });

const item = object({
  name: str(1, 100),
  price: { type: "number", minimum: 0 },
  quantity: int(1, 1000),
  tags: { type: "array", maxItems: 10, items: str(1) },
});

const order = object({
  id: str(0, undefined, "^ORD-[0-9]{6}$"),
  customer: object({
    name: str(1, 100),
    email: str(3, 254),
    address: object({ street: str(1), city: str(1), zip: str(0, undefined, "^[0-9]{5}$"), country: str(2, 2) }),
  }),
  items: {
    type: "array",
    minItems: 1,
    maxItems: 100,
    items: object({ sku: str(0, undefined, "^[A-Z]{3}-[0-9]{4}$"), name: str(1, 100), quantity: int(1, 1000), price: { type: "number", minimum: 0 } }),
  },
  note: str(0, 500),
});

const signup = object({ username: str(3, 30), age: int(0, 150), subscribe: { type: "boolean" }, email: str(3, 254) });

const app = Fastify({
  logger: false,
  // Every error at once, as spikard and the hand-written servers report them.
  ajv: { customOptions: { allErrors: true } },
});
await app.register(formbody);
await app.register(multipart, { attachFieldsToBody: true, sharedSchemaId: "#file" });

app.setErrorHandler((err, req, reply) => {
  if (err.validation) return reply.code(422).send({ errors: err.validation });
  reply.send(err);
});

app.get("/hello", (req, reply) => reply.type("text/plain; charset=utf-8").send("Hello, World!"));

const queryOut = object({ name: str(), age: int(), active: { type: "boolean" }, limit: int() });
app.get(
  "/query",
  {
    schema: {
      querystring: {
        type: "object",
        required: ["name", "age", "active"],
        properties: { name: str(1, 50), age: int(0, 150), active: { type: "boolean" }, limit: { ...int(1, 100), default: 10 } },
      },
      response: { 200: queryOut },
    },
  },
  (req) => req.query,
);

app.get(
  "/users/:user_id/posts/:post_id",
  { schema: { params: object({ user_id: int(1), post_id: int(1) }), response: { 200: object({ user_id: int(), post_id: int() }) } } },
  (req) => req.params,
);

app.post("/items", { schema: { body: item, response: { 200: item } } }, (req) => req.body);
app.post("/orders", { schema: { body: order, response: { 200: order } } }, (req) => req.body);
app.post("/form", { schema: { body: signup, response: { 200: signup } } }, (req) => req.body);

app.post(
  "/upload",
  {
    schema: {
      consumes: ["multipart/form-data"],
      body: object({ file: { $ref: "#file" }, description: object({ value: str(1) }) }),
      response: { 200: object({ filename: str(), size: int(), description: str() }) },
    },
  },
  async (req) => {
    const { file, description } = req.body;
    const content = await file.toBuffer();
    return { filename: file.filename, size: content.length, description: description.value };
  },
);

await app.listen({ port: Number(process.env.PORT ?? 9103), host: "127.0.0.1" });
