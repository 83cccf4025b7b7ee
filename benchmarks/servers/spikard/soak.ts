import { Spikard, type Body, type Int, type Query } from "spikard";
import type { Item, Signup, Upload } from "./shapes";
import type { tags } from "typia";

// The upload soak's app (lib/upload-soak.mjs): the benchmark's routes plus spooled uploads into a
// directory the soak watches, and a request timeout so stalled uploads are answered 408.

const uploadDir = process.env.SPIKARD_UPLOAD_DIR;
if (!uploadDir) throw new Error("SPIKARD_UPLOAD_DIR is required");

const app = new Spikard({ uploadDir, requestTimeout: 2 });

app.get("/hello", () => "Hello, World!");
app.get("/query", (name: Query<string & tags.MinLength<1>>, age: Query<Int & tags.Minimum<0>>) => ({ name, age }));
app.post("/items", (item: Body<Item>): Item => item);
app.post("/form", (form: Body<Signup>): Signup => form);
app.post("/upload", async (body: Body<Upload>) => {
  // Reads the spooled file back, as a handler storing it elsewhere would.
  let size = 0;
  for await (const chunk of body.file.stream()) size += (chunk as Buffer).length;
  return { filename: body.file.filename, size, rolledToDisk: body.file.rolledToDisk, description: body.description };
});

app.run();
