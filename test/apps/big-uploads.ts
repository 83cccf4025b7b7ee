import { createHash } from "node:crypto";
import { Spikard, UploadFile, type Body } from "spikard";

export interface BigUpload {
  file: UploadFile;
}

/** Large uploads: the handler streams the spooled file back through a hash, never holding it whole. */
export function buildBigUploadApp(uploadDir: string): Spikard {
  const app = new Spikard({ maxUploadSize: 512 * 1024 * 1024, uploadDir });
  app.post("/big", async (form: Body<BigUpload>) => {
    const hash = createHash("sha256");
    for await (const chunk of form.file.stream()) hash.update(chunk as Buffer);
    return { size: form.file.size, rolledToDisk: form.file.rolledToDisk, sha256: hash.digest("hex") };
  });
  app.get("/health", () => ({ ok: true }));
  return app;
}
