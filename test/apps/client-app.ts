import { HttpError, Spikard, StreamingResponse, UploadFile, type Body, type Cookie, type Header, type Int, type Path, type Query, type Separator } from "spikard";
import type { tags } from "typia";

/** The app the generated client is tested against: one route per kind of input and output. */
export interface User {
  id: number;
  name: string & tags.MinLength<1>;
  email?: string & tags.Format<"email">;
}

export interface NewUser {
  name: string & tags.MinLength<1>;
  email?: string & tags.Format<"email">;
}

export interface Upload {
  file: UploadFile;
  note: string;
}

export interface Login {
  username: string;
  remember: boolean;
}

const app = new Spikard({ openapi: { title: "Client test app", version: "1.0.0" } });

app.get("/users/{id}", (id: Path<Int>): User => ({ id, name: "Ada" }), { operationId: "getUser" });
app.get("/users", (limit: Query<Int> = 10, tag?: Query<string[]>, ids?: Query<number[] & Separator<",">>): User[] => [{ id: limit, name: `${(tag ?? []).join("+")}|${(ids ?? []).join("+")}` }], { operationId: "listUsers" });
app.post("/users", (user: Body<NewUser>): User => ({ id: 7, ...user }), { operationId: "createUser", statusCode: 201 });
app.delete("/users/{id}", (id: Path<Int>): void => void id, { operationId: "deleteUser", statusCode: 204 });
app.get("/whoami", (x_token: Header<string>, session_id: Cookie<string>, trace?: Header<string, "X-Trace-ID">) => ({ token: x_token, session: session_id, trace: trace ?? null }), { operationId: "whoami" });
app.post("/upload", (body: Body<Upload>) => ({ filename: body.file.filename, size: body.file.size, note: body.note, content: body.file.read().toString() }), { operationId: "upload" });
app.post("/echo", (text: Body<string>): string => text.toUpperCase(), { operationId: "echo" });
app.get("/bytes", (): Uint8Array => new Uint8Array([1, 2, 3]), { operationId: "bytes" });
app.get("/stream", () => new StreamingResponse((async function* () {
  for (const part of ["a", "b", "c"]) {
    yield part;
    await new Promise((r) => setTimeout(r, 5));
  }
})(), { mediaType: "text/plain" }), { operationId: "stream" });
// The status is only known at run time, so the document cannot list it: the client meets it undocumented.
const teapot: number = Number(process.env.TEAPOT_STATUS ?? 418);
app.get("/teapot", (): User => {
  throw new HttpError(teapot, "short and stout");
}, { operationId: "teapot" });
app.get("/health", () => ({ ok: true }));

app.run();
