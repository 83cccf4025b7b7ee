import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Spikard, type Server } from "spikard";
import { GrpcError, GrpcStatus } from "spikard/grpc";
import { UserService } from "../gen/user";
import { descriptorSet } from "../support/connect-descriptors";

const chromium = "/usr/bin/chromium";
const root = protobuf.loadSync(path.join(__dirname, "../protos/user.proto"));

/**
 * A page on one origin calls the app on another with connect-web's gRPC-Web transport, in
 * headless Chromium: the browser's own fetch, CORS preflight and header exposure decide, with no
 * proxy in between.
 */
describe.skipIf(!fs.existsSync(chromium))("gRPC-Web from a browser page on another origin (headless Chromium, connect-web)", () => {
  let page: http.Server;
  let pageOrigin: string;
  let server: Server;
  beforeAll(async () => {
    const { build } = await import("rolldown");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-grpc-web-"));
    await build({ input: path.join(__dirname, "../support/grpc-web-page.ts"), platform: "browser", output: { format: "iife", file: path.join(dir, "client.js") }, logLevel: "silent" });
    const script = fs.readFileSync(path.join(dir, "client.js"));
    page = http.createServer((req, res) => {
      if (req.url === "/client.js") res.writeHead(200, { "content-type": "text/javascript" }).end(script);
      else res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><script src="/client.js"></script>');
    });
    await new Promise<void>((r) => page.listen(0, "127.0.0.1", r));
    pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    const app = new Spikard({ cors: { allowedOrigins: [pageOrigin], allowedHeaders: ["x-caller"] }, logger: { error: () => undefined, warn: () => undefined, info: () => undefined } });
    app.grpc(UserService, {
      getUser(req, ctx) {
        if (req.id === 404) throw new GrpcError(GrpcStatus.NOT_FOUND, "no such user");
        ctx.setTrailer("x-user-id", String(req.id));
        return { id: req.id, name: `user ${req.id} (${String(ctx.metadata.get("x-caller"))})` };
      },
      async *listUsers(req) {
        for (let i = 1; i <= req.count; i++) yield { id: i, name: "" };
      },
      upload: () => ({ total: 0 }),
      async *chat() {},
    });
    server = await app.serve({ host: "localhost", port: 0, grpcPort: 0 });
  });
  afterAll(async () => {
    await server?.close();
    page?.close();
  });

  it("unary with metadata, server streaming and an error status, cross-origin", async () => {
    const { chromium: pw } = await import("playwright-core");
    const browser = await pw.launch({ executablePath: chromium, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
    try {
      const tab = await browser.newPage();
      await tab.goto(pageOrigin);
      await tab.waitForFunction(() => "grpcWebCalls" in globalThis);
      // The app on "localhost", the page on "127.0.0.1": different origins, so every call is a CORS request.
      const outcomes = await tab.evaluate(
        ([url, set]) => (globalThis as unknown as { grpcWebCalls(u: string, s: string): Promise<unknown> }).grpcWebCalls(url!, set!),
        [server.url, Buffer.from(descriptorSet(root)).toString("base64")] as const,
      );
      expect(outcomes).toEqual([{ user: { id: 7, name: "user 7 (browser)" }, trailer: "7" }, { streamed: [1, 2, 3, 4, 5] }, { error: { code: GrpcStatus.NOT_FOUND, message: "no such user" } }]);
    } finally {
      await browser.close();
    }
  });
});
