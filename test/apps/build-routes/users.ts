import { HttpError, Router, type Body, type Path, type Query } from "spikard";
import type { NewUser, User } from "./types";
import type { Database } from "./services";

export const users = new Router({ prefix: "/users", tags: ["users"] });

let next = 100;

users.get("/", (db: Database, limit: Query<number> = 10): User[] => [...db.users].slice(0, limit).map(([id, u]) => ({ id, name: u.name, email: "ada@example.com", role: "member", tags: [] })), { operationId: "listUsers" });
users.get("/{id:int}", (id: Path<number>, db: Database): User => {
  const found = db.users.get(id);
  if (found === undefined) throw new HttpError(404, `no user ${id}`);
  return { id, name: found.name, email: "ada@example.com", role: "member", tags: [] };
});
users.post("/", (user: Body<NewUser>): User => ({ ...user, id: next++ }), { statusCode: 201 });
