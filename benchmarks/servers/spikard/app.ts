import { Spikard, type Body, type Int, type Path, type Query } from "spikard";
import type { Item, Signup, Upload } from "./shapes";
import type { tags } from "typia";

// The same constraints as servers/shared/validate.mjs, fastify.mjs and hono.mjs; see lib/workloads.mjs.

interface OrderLine {
  sku: string & tags.Pattern<"^[A-Z]{3}-[0-9]{4}$">;
  name: string & tags.MinLength<1> & tags.MaxLength<100>;
  quantity: Int & tags.Minimum<1> & tags.Maximum<1000>;
  price: number & tags.Minimum<0>;
}

interface Order {
  id: string & tags.Pattern<"^ORD-[0-9]{6}$">;
  customer: {
    name: string & tags.MinLength<1> & tags.MaxLength<100>;
    email: string & tags.MinLength<3> & tags.MaxLength<254>;
    address: {
      street: string & tags.MinLength<1>;
      city: string & tags.MinLength<1>;
      zip: string & tags.Pattern<"^[0-9]{5}$">;
      country: string & tags.MinLength<2> & tags.MaxLength<2>;
    };
  };
  items: OrderLine[] & tags.MinItems<1> & tags.MaxItems<100>;
  note: string & tags.MaxLength<500>;
}

const app = new Spikard();

app.get("/hello", () => "Hello, World!");

app.get(
  "/query",
  (
    name: Query<string & tags.MinLength<1> & tags.MaxLength<50>>,
    age: Query<Int & tags.Minimum<0> & tags.Maximum<150>>,
    active: Query<boolean>,
    limit: Query<Int & tags.Minimum<1> & tags.Maximum<100>> = 10,
  ) => ({ name, age, active, limit }),
);

app.get(
  "/users/{user_id:int}/posts/{post_id:int}",
  (user_id: Path<Int & tags.Minimum<1>>, post_id: Path<Int & tags.Minimum<1>>) => ({ user_id, post_id }),
);

app.post("/items", (item: Body<Item>): Item => item);
app.post("/orders", (order: Body<Order>): Order => order);
app.post("/form", (form: Body<Signup>): Signup => form);
app.post("/upload", (body: Body<Upload>) => ({ filename: body.file.filename, size: body.file.size, description: body.description }));

app.run();
