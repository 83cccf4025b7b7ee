import fs from "node:fs";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveTestClient } from "spikard/testing";
import { buildBigUploadApp } from "./apps/big-uploads";
import { alive, BigUploadServers } from "./support/compile-app";
import { postStream, until, type Posted } from "./support/http-helpers";
import { getGc, MIB, sampleRss, StreamedMultipart } from "./support/streamed-multipart";

// Real sockets only: what a large upload does to the server's memory and disk, and an aborted one.
// The 256 MiB upload runs against an in-process server, so the RSS measured is the server's plus the
// client's; the client generates its body on the fly from one reused 64 KiB block, keeping its share flat.

const TIMEOUT = 120_000;
const SPOOL_FILE = /^spikard-upload-[0-9a-f]+$/;

const freshDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "spikard-upload-limits-"));
const postUpload = (base: string, upload: StreamedMultipart, onRequest?: (req: http.ClientRequest) => void, stallAfter?: number): Promise<Posted> =>
  postStream(base, "/big", { "content-type": upload.contentType, "content-length": String(upload.contentLength) }, upload.stream(stallAfter), onRequest);

describe("a 256 MiB upload through a real socket", () => {
  const SIZE = 256 * MIB;
  const dir = freshDir();
  const live = new LiveTestClient(buildBigUploadApp(dir));
  const upload = new StreamedMultipart(SIZE);
  let posted: Posted;
  let growth: number;
  let spooledDuring: string[] = [];
  let leftAfter: string[];

  beforeAll(async () => {
    const base = await live.start();
    // Warm up the route, the parser and the spooling path, then settle the heap for the baseline.
    await postUpload(base, new StreamedMultipart(4 * MIB));
    await until(() => fs.readdirSync(dir).length === 0, 5_000, "the warm-up upload's temp file to go");
    const gc = getGc();
    gc?.();
    await new Promise((r) => setTimeout(r, 100));
    gc?.();
    const baseline = process.memoryUsage.rss();

    const rss = sampleRss(20);
    const watch = setInterval(() => {
      const names = fs.readdirSync(dir);
      if (names.length > 0) spooledDuring = names;
    }, 20);
    posted = await postUpload(base, upload);
    clearInterval(watch);
    growth = rss.stop() - baseline;

    // Removal is asynchronous: poll briefly.
    await until(() => fs.readdirSync(dir).length === 0, 5_000, "the upload dir to empty").catch(() => undefined);
    leftAfter = fs.readdirSync(dir);
  }, TIMEOUT);

  afterAll(async () => {
    await live.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("streams the whole body from the client", () => {
    expect(upload.sent).toBe(SIZE);
  });

  it("hands the handler the whole file, spooled to disk and intact", () => {
    expect(posted.status).toBe(200);
    expect(JSON.parse(posted.body)).toEqual({ size: SIZE, rolledToDisk: true, sha256: upload.sha256 });
  });

  it("keeps the server's peak RSS within 48 MiB of the baseline while receiving 256 MiB", () => {
    expect(growth).toBeLessThan(48 * MIB);
  });

  it("spools to one temporary file in uploadDir and removes it after the response", () => {
    expect(spooledDuring).toEqual([expect.stringMatching(SPOOL_FILE)]);
    expect(leftAfter).toEqual([]);
  });
});

/** Streams a large upload, stalls it after 60 MiB and destroys the client socket once the server is spooling. */
async function abortHalfway(base: string, dir: string): Promise<void> {
  const upload = new StreamedMultipart(400 * MIB);
  let request!: http.ClientRequest;
  const outcome = postUpload(base, upload, (req) => (request = req), 60 * MIB).then(
    (r) => ({ answered: r.status }),
    (err: Error) => ({ failed: err.message }),
  );
  await until(() => upload.sent >= 50 * MIB, 60_000, "50 MiB to be sent");
  const spoolSize = (): number => {
    const names = fs.readdirSync(dir);
    return names.length === 1 && SPOOL_FILE.test(names[0]!) ? (fs.statSync(path.join(dir, names[0]!), { throwIfNoEntry: false })?.size ?? 0) : 0;
  };
  await until(() => spoolSize() > 10 * MIB, 10_000, "the server's spool file to fill up");
  request.destroy();
  expect(await outcome).toEqual({ failed: expect.any(String) });
  expect(upload.sent).toBeLessThan(400 * MIB);
}

// An abort can land while the spool file has a write in flight; that must neither crash the server
// nor leave the file behind. Many aborts make hitting that window near-certain. The server runs in
// its own process, as in production, so a crash is seen as such (here the test runner would catch it).
const ABORTS = 12;

describe("uploads aborted half-way, against the app in its own process", () => {
  const dir = freshDir();
  const servers = new BigUploadServers();
  let child: LiveTestClient;

  beforeAll(async () => {
    child = await servers.start(dir);
  }, TIMEOUT);

  afterAll(async () => {
    await servers.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(
    "removes the partial temp file within a few seconds and keeps answering",
    async () => {
      const base = await child.url;
      for (let i = 1; i <= ABORTS; i++) {
        await abortHalfway(base, dir);
        const removed = await until(() => fs.readdirSync(dir).length === 0, 5_000, "the partial spool file to be removed").then(() => true, () => false);
        await new Promise((r) => setTimeout(r, 200));
        // A crashed server cannot clean up: check it is alive first, with its output for the reason.
        expect(alive(child), `server died after abort ${i}:\n${child.output}`).toEqual({ exitCode: null, signal: null });
        expect(removed ? [] : fs.readdirSync(dir), `temp files left after abort ${i}`).toEqual([]);
        const health = await child.get("/health");
        health.assertStatusOk();
        expect(health.json()).toEqual({ ok: true });
      }
    },
    TIMEOUT,
  );
});
