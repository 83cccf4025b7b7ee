import { BackgroundTasks, HttpError, Provide, Response, Router, Spikard, StreamingResponse, UploadFile, type Body, type Header, type Path, type Query, type ServerConfig } from "spikard";
import type { tags } from "typia";

/** A book as stored. */
export interface Book {
  id: number;
  title: string;
  author: string;
  genre: Genre;
  year?: number;
}

export type Genre = "fiction" | "history" | "science";

/** What a client sends to create a book. */
export interface NewBook {
  title: string & tags.MinLength<1>;
  author: string & tags.MinLength<1>;
  genre: Genre;
  year?: number & tags.Type<"int32"> & tags.Minimum<0>;
}

/** The body of a 404 the handler answers itself. */
export interface NotFound {
  detail: string;
}

export interface Cover {
  image: UploadFile<"image/png" | "image/jpeg">;
  caption?: string;
}

/** The server's own store: injected, never documented, never validated per request. */
export class BookRepository {
  private readonly books = new Map<number, Book>();
  private next = 1;
  add(book: NewBook): Book {
    const stored = { ...book, id: this.next++ };
    this.books.set(stored.id, stored);
    return stored;
  }
  get(id: number): Book | undefined {
    return this.books.get(id);
  }
  list(): Book[] {
    return [...this.books.values()];
  }
  delete(id: number): boolean {
    return this.books.delete(id);
  }
}

/** A per-request audit trail, closed after the response (generator cleanup). */
export class Audit {
  readonly entries: string[] = [];
}

export const JWT_SECRET = "bookstore-test-secret";

/**
 * The bookstore of issue 20: CRUD with Path/Query/Body and typia tags, a
 * Router, uploads, DI with a singleton repository and generator cleanup,
 * background tasks, streaming, and openapi + cors + jwtAuth + compression +
 * rateLimit.
 */
export function buildBookstore(config: ServerConfig = {}): Spikard {
  const app = new Spikard({
    openapi: { title: "Bookstore", version: "1.0.0", description: "The issue 20 bookstore." },
    cors: { allowedOrigins: ["https://books.example.com"], allowedHeaders: ["authorization", "content-type"] },
    jwtAuth: { secret: JWT_SECRET, algorithm: "HS256" },
    compression: { gzip: true, brotli: true, minSize: 256 },
    rateLimit: { perSecond: 10_000, burst: 10_000 },
    logger: { error: () => undefined, warn: () => undefined, info: () => undefined },
    ...config,
  });
  const repository = new BookRepository();
  repository.add({ title: "Dune", author: "Frank Herbert", genre: "fiction", year: 1965 });
  app.provide(BookRepository, Provide(() => repository, { singleton: true }));
  app.provide(
    Audit,
    Provide(function* () {
      const audit = new Audit();
      try {
        yield audit;
      } finally {
        audit.entries.length = 0;
      }
    }),
  );

  const books = new Router({ prefix: "/books", tags: ["books"] });

  /**
   * List books.
   * @param genre Only books of this genre.
   */
  books.get("/", (repo: BookRepository, genre?: Query<Genre>, limit: Query<number & tags.Type<"uint32"> & tags.Maximum<100>> = 20): Book[] =>
    repo.list().filter((b) => genre === undefined || b.genre === genre).slice(0, limit),
  );

  /**
   * Get a book.
   * @response 404 NotFound
   */
  books.get("/{id:int}", (id: Path<number>, repo: BookRepository): Response<Book, 200> | Response<NotFound, 404> => {
    const book = repo.get(id);
    return book ? new Response({ content: book, statusCode: 200 }) : new Response({ content: { detail: `No book ${id}` }, statusCode: 404 });
  });

  /** Add a book. */
  books.post("/", (book: Body<NewBook>, repo: BookRepository, audit: Audit, tasks: BackgroundTasks): Response<Book, 201> => {
    const stored = repo.add(book);
    audit.entries.push(`added ${stored.id}`);
    tasks.add(() => undefined);
    return new Response({ content: stored, statusCode: 201 });
  });

  /** Change a book. */
  books.patch("/{id:int}", (id: Path<number>, patch: Body<Partial<NewBook>>, repo: BookRepository): Book => {
    const book = repo.get(id);
    if (book === undefined) throw new HttpError(404, `No book ${id}`);
    Object.assign(book, patch);
    return book;
  });

  /** Remove a book. */
  books.delete("/{id:int}", (id: Path<number>, repo: BookRepository) => {
    if (!repo.delete(id)) throw new HttpError(404, `No book ${id}`);
    return new Response({ statusCode: 204 });
  });

  /** Upload a cover image. */
  books.post("/{id:int}/cover", (id: Path<number>, cover: Body<Cover>) => ({ id, filename: cover.image.filename, size: cover.image.size, caption: cover.caption ?? null }));

  /** Every book, one JSON line each. */
  books.get("/export", (repo: BookRepository) => {
    async function* lines() {
      for (const b of repo.list()) yield `${JSON.stringify(b)}\n`;
    }
    return new StreamingResponse(lines(), { mediaType: "application/x-ndjson" });
  });
  app.includeRouter(books);

  /** Who is calling. */
  app.get("/whoami", (x_request_source?: Header<string>) => ({ source: x_request_source ?? "unknown" }));
  return app;
}
