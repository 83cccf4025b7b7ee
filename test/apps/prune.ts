import { Spikard, type Body, type Path, type Strict } from "spikard";
import type { tags } from "typia";

export interface NewBook {
  title: string & tags.MinLength<1>;
  author: { name: string; born?: number };
  chapters: Array<{ n: number; title: string }>;
}
export interface Book extends NewBook {
  id: string;
}

interface Card {
  method: "card";
  number: string;
}
interface Invoice {
  method: "invoice";
  address: string;
}
/** Members that overlap: a value with `b` is the wider one. */
type Overlap = { a: string } | { a: string; b: number };

/** What a handler saw, as JSON text: the serializer would drop undeclared properties on the way out anyway. */
const seen = (value: unknown): { seen: string } => ({ seen: JSON.stringify(value) });

/** A bookstore whose PATCH merges the body into the stored book, as users write it. */
export function buildPruneApp(): Spikard {
  const books = new Map<string, Book>([["b1", { id: "b1", title: "Dune", author: { name: "Herbert" }, chapters: [{ n: 1, title: "One" }] }]]);
  const app = new Spikard();
  app.get("/books/{id}", (id: Path<string>): Book | undefined => books.get(id));
  app.patch("/books/{id}", (id: Path<string>, patch: Body<Partial<NewBook>>): Book => {
    const book = { ...books.get(id)!, ...patch };
    books.set(id, book);
    return book;
  });
  app.post("/seen/book", (book: Body<NewBook>) => seen(book));
  app.post("/seen/strict", (book: Body<Strict<NewBook>>) => seen(book));
  app.post("/seen/payment", (payment: Body<Card | Invoice>) => seen(payment));
  app.post("/seen/overlap", (value: Body<Overlap>) => seen(value));
  app.post("/seen/list", (list: Body<Array<{ n: number }>>) => seen(list));
  app.post("/seen/form", (signup: Body<{ name: string; age: number }>) => seen(signup));
  app.post("/seen/record", (record: Body<Record<string, { n: number }>>) => seen(record));
  return app;
}
