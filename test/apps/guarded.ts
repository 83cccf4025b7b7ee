import { Request, Spikard, UploadFile, type Body, type Query, type ServerConfig } from "spikard";

interface Upload {
  file: UploadFile;
  note?: string;
}

interface Named {
  name: string;
}

interface Payment {
  id: string;
  amount: number;
}

/**
 * The routes the hostile-input tests aim at, under whatever ServerConfig the
 * test gives (timeouts, upload limits, auth, static mounts): uploads, a form,
 * a JSON body, a query, and a health check to see the server still answers.
 */
export function buildGuardedApp(config: ServerConfig = {}): Spikard {
  const app = new Spikard({ logger: { error: (...a: unknown[]) => console.error(...a), warn: () => undefined, info: (...a: unknown[]) => console.log(...a) }, ...config });
  app.get("/health", () => ({ ok: true }));
  app.post("/upload", (form: Body<Upload>) => ({ filename: form.file.filename, size: form.file.size, rolledToDisk: form.file.rolledToDisk, note: form.note ?? null }));
  app.post("/upload-slow", async (form: Body<Upload>) => {
    await new Promise((r) => setTimeout(r, 1500));
    return { size: form.file.size };
  });
  app.post("/form", (form: Body<Named>) => ({ name: form.name }));
  app.post("/payments", (payment: Body<Payment>) => ({ received: payment.id }));
  app.get("/echo", (q: Query<string>) => q);
  app.get("/claims", (req: Request) => ({ claims: req.state.jwt ?? null }));
  return app;
}
