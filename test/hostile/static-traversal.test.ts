import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Spikard } from "spikard";
import { LiveTestClient, TestClient } from "spikard/testing";
import { rawRequest } from "../support/raw-socket";

// Issue 14, items 11 and 12: no URL and no symlink leads a static mount out of its directory;
// revalidation compares entity tags weakly (RFC 9110 §13.1.2).

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
const SECRET = "top secret outside the served directory";
const base = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-traversal-"));
const outside = path.join(base, "outside");
const served = path.join(base, "public");
fs.mkdirSync(path.join(outside, "dir"), { recursive: true });
fs.writeFileSync(path.join(outside, "secret.txt"), SECRET);
fs.writeFileSync(path.join(outside, "dir", "index.html"), SECRET);
fs.writeFileSync(path.join(outside, "dir", "inner.txt"), SECRET);
fs.mkdirSync(path.join(served, "sub"), { recursive: true });
fs.writeFileSync(path.join(served, "hello.txt"), "hello");
fs.writeFileSync(path.join(served, "sub", "page.css"), "body{}");
// Links that lead out: to a file, to a directory (its files and its index), by an absolute and a
// relative target, through a chain of links, and from a linked directory on the way.
fs.symlinkSync(path.join(outside, "secret.txt"), path.join(served, "abs-link.txt"));
fs.symlinkSync("../outside/secret.txt", path.join(served, "rel-link.txt"));
fs.symlinkSync(path.join(outside, "dir"), path.join(served, "linked-dir"));
fs.symlinkSync("abs-link.txt", path.join(served, "chain.txt"));
fs.symlinkSync("/etc/passwd", path.join(served, "passwd"));
fs.symlinkSync("..", path.join(served, "sub", "up"));
// Links that stay inside are served.
fs.symlinkSync("hello.txt", path.join(served, "alias.txt"));
fs.symlinkSync("sub", path.join(served, "sub-alias"));
// A mount whose directory is itself a link is served through it.
fs.symlinkSync(served, path.join(base, "public-link"));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function build(): Spikard {
  const app = new Spikard({
    staticFiles: [
      { directory: served, routePrefix: "/static" },
      { directory: path.join(base, "public-link"), routePrefix: "/linked" },
    ],
    logger: quiet,
  });
  app.get("/health", () => ({ ok: true }));
  return app;
}

const live = new LiveTestClient(build());
afterAll(() => live.close());
const clients: Array<[string, TestClient | LiveTestClient]> = [
  ["TestClient", new TestClient(build())],
  ["a real socket", live],
];

const ESCAPES = [
  "/static/abs-link.txt",
  "/static/rel-link.txt",
  "/static/chain.txt",
  "/static/passwd",
  "/static/linked-dir/inner.txt",
  "/static/linked-dir/",
  "/static/linked-dir",
  "/static/sub/up/outside/secret.txt",
  "/static/sub/up/../outside/secret.txt",
  "/linked/abs-link.txt",
  "/linked/linked-dir/inner.txt",
];

// Encoded and mixed dot-segments, separators and bytes; none may leave `public/`.
const TRAVERSALS = [
  "/static/../outside/secret.txt",
  "/static/%2e%2e/outside/secret.txt",
  "/static/%2E%2E/outside/secret.txt",
  "/static/.%2e/outside/secret.txt",
  "/static/%2e./outside/secret.txt",
  "/static/..%2foutside%2fsecret.txt",
  "/static/..%2Foutside%2Fsecret.txt",
  "/static/%2e%2e%2foutside%2fsecret.txt",
  "/static/sub/..%2f..%2foutside/secret.txt",
  "/static/%252e%252e/outside/secret.txt",
  "/static/..%5coutside%5csecret.txt",
  "/static/..\\outside\\secret.txt",
  "/static/%c0%ae%c0%ae/outside/secret.txt",
  "/static/%c0%af..%c0%afoutside/secret.txt",
  "/static/hello.txt%00.png",
  "/static/%00../outside/secret.txt",
  "/static//" + path.join(outside, "secret.txt"),
  "/static/" + encodeURIComponent(path.join(outside, "secret.txt")),
  "/static/%2f" + path.join(outside, "secret.txt").slice(1),
  "/static/../../../../../../../../etc/passwd",
  "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
  "/static/....//....//outside/secret.txt",
  "/static/.../outside/secret.txt",
  "/static/%",
  "/static/%zz",
  "/static/%e0%80",
];

describe.each(clients)("static files over %s", (_n, client) => {
  it.each(ESCAPES)("never follows %s out of the directory", async (url) => {
    const res = await client.get(url);
    expect(res.statusCode, url).toBe(404);
    expect(res.text()).not.toContain(SECRET);
    expect(res.text()).not.toContain("root:");
  });

  it.each(TRAVERSALS)("refuses the traversal %s", async (url) => {
    const res = await client.get(url);
    expect(res.statusCode, url).toBe(404);
    expect(res.text()).not.toContain(SECRET);
    expect(res.text()).not.toContain("root:");
  });

  it("serves links that stay inside, and a mount that is itself a link", async () => {
    expect((await client.get("/static/alias.txt")).assertStatusOk().text()).toBe("hello");
    expect((await client.get("/static/sub-alias/page.css")).assertStatusOk().headers["content-type"]).toBe("text/css");
    expect((await client.get("/linked/hello.txt")).assertStatusOk().text()).toBe("hello");
    expect((await client.get("/static/%68ello.txt")).assertStatusOk().text()).toBe("hello");
  });

  it("answers 304 to the strong form of its weak ETag, and to the weak form, `*` and a list (RFC 9110 §13.1.2)", async () => {
    const first = (await client.get("/static/hello.txt")).assertStatusOk();
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/"/);
    const strong = etag.slice(2);
    for (const inm of [etag, strong, `"nope", ${strong}`, "*", `"a", ${etag}`]) {
      const res = await client.get("/static/hello.txt", { headers: { "if-none-match": inm } });
      expect(res.statusCode, inm).toBe(304);
      expect(res.headers.etag).toBe(etag);
      expect(res.text()).toBe("");
    }
    for (const inm of ['"nope"', `W/${strong.slice(0, -2)}"`, strong.slice(1), "garbage"]) {
      expect((await client.get("/static/hello.txt", { headers: { "if-none-match": inm } })).statusCode, inm).toBe(200);
    }
    const head = await client.head("/static/hello.txt", { headers: { "if-none-match": strong } });
    expect(head.statusCode).toBe(304);
  });
});

describe("static files over raw bytes", () => {
  it("refuses traversals no HTTP client would send unnormalised", async () => {
    const port = Number(new URL(await live.url).port);
    for (const target of ["/static/../outside/secret.txt", "/static/./../outside/secret.txt", "/static/linked-dir/inner.txt", "/static/%2e%2e/outside/secret.txt", "/static/sub/up/outside/secret.txt"]) {
      const answer = await rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(answer.statuses, target).toEqual([404]);
      expect(answer.text).not.toContain(SECRET);
    }
  });
});
