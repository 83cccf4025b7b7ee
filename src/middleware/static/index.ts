import fs from "node:fs";
import path from "node:path";
import { pipeStream } from "../../pipeline/respond";
import { answer, type Middleware } from "../types";

export interface StaticFilesOptions {
  /** Directory served. */
  directory: string;
  /** URL prefix it is served under, e.g. "/static". */
  routePrefix: string;
  /** Cache-Control for these files. */
  cacheControl?: string;
  /** Serve index.html for directory paths. Default true. */
  indexFile?: boolean;
}

interface Mount extends StaticFilesOptions {
  root: string;
  prefix: string;
}

/**
 * Serves files under each prefix (GET/HEAD) before routing: content type by
 * extension, ETag/Last-Modified with 304 revalidation, index.html for
 * directories, no escaping the directory. A path with no file falls through to
 * the routes. The existence check is a synchronous stat: routing must decide
 * while the adapter's request is still live; the content streams asynchronously.
 */
export function staticFiles(mounts: StaticFilesOptions[]): Middleware {
  // Loaded here, not at the top: mime-types parses its whole database (~7 ms), and only apps serving files need it.
  mimeTypes ??= require("mime-types") as typeof import("mime-types");
  const list: Mount[] = mounts.map((m) => ({ ...m, root: path.resolve(m.directory), prefix: m.routePrefix.replace(/\/+$/, "") }));
  return {
    name: "staticFiles",
    handle(raw, sink, next) {
      if (raw.method !== "GET" && raw.method !== "HEAD") return next(sink);
      for (const m of list) {
        const file = resolve(m, raw.path);
        if (file === undefined) continue;
        let stat: fs.Stats;
        try {
          stat = fs.statSync(file.path);
          if (stat.isDirectory() && m.indexFile !== false) stat = fs.statSync((file.path = path.join(file.path, "index.html")));
        } catch {
          continue;
        }
        if (!stat.isFile()) continue;
        return serve(m, file.path, stat, raw, sink);
      }
      next(sink);
    },
  };
}

function resolve(m: Mount, urlPath: string): { path: string } | undefined {
  if (urlPath !== m.prefix && !urlPath.startsWith(`${m.prefix}/`)) return undefined;
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.slice(m.prefix.length));
  } catch {
    return undefined;
  }
  if (rel.includes("\0")) return undefined;
  const full = path.resolve(m.root, `.${rel.startsWith("/") ? rel : `/${rel}`}`);
  return full === m.root || full.startsWith(m.root + path.sep) ? { path: full } : undefined;
}

function serve(m: Mount, file: string, stat: fs.Stats, raw: Parameters<Middleware["handle"]>[0], sink: Parameters<Middleware["handle"]>[1]): void {
  const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  const lastModified = stat.mtime.toUTCString();
  const headers = ["etag", etag, "last-modified", lastModified];
  if (m.cacheControl) headers.push("cache-control", m.cacheControl);
  const inm = raw.header("if-none-match");
  const ims = raw.header("if-modified-since");
  if ((inm !== undefined && inm.split(",").some((t) => t.trim() === etag || t.trim() === "*")) || (inm === undefined && ims !== undefined && Date.parse(ims) >= Math.floor(stat.mtimeMs / 1000) * 1000)) {
    return answer(sink, raw, 304, headers);
  }
  headers.push("content-type", lookupMime(file) || "application/octet-stream");
  if (raw.method === "HEAD" || stat.size === 0) {
    headers.push("content-length", String(stat.size));
    return sink.send(200, headers, undefined, raw.method === "HEAD");
  }
  // Small files go out in one write; larger ones stream with backpressure.
  if (stat.size <= 64 * 1024) {
    let body: Buffer;
    try {
      body = fs.readFileSync(file);
    } catch {
      return answer(sink, raw, 404, []);
    }
    return sink.send(200, headers, body, false);
  }
  void pipeStream(sink, 200, headers, fs.createReadStream(file), false).catch(() => sink.close());
}

let mimeTypes: typeof import("mime-types") | undefined;

function lookupMime(file: string): string | false {
  return mimeTypes!.lookup(file);
}
