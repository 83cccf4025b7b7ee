import fs from "node:fs";
import path from "node:path";
import type { Request } from "../../context";
import { readOnlyBeforeNext, type Middleware } from "../../pipeline/middleware";
import { Response, StreamingResponse, type AnyResponse } from "../../response";
import { noneMatch } from "./etag";

export interface StaticFilesOptions {
  /** Directory served. */
  directory: string;
  /** URL prefix it is served under, e.g. "/static". */
  routePrefix: string;
  /** Cache-Control for these files. */
  cacheControl?: string;
  /** Serve index.html for directories. Default true. */
  indexFile?: boolean;
}

interface Mount extends StaticFilesOptions {
  root: string;
  prefix: string;
  /** `root` with every symlink resolved, once it exists: what a served file's real path must lie under. */
  realRoot: string | undefined;
}

/**
 * Serves files under each prefix (GET/HEAD) before routing: content type by
 * extension, ETag/Last-Modified with 304 revalidation, index.html for
 * directories, no escaping the directory, by path or by symlink (a link, or a
 * linked directory on the way, that leads outside is treated as no file). A path
 * with no file falls through to the routes. The existence check is a synchronous stat, so a request that is
 * not for a file goes on to its route without an await; the content streams.
 */
export function staticFiles(mounts: StaticFilesOptions[]): Middleware {
  // Loaded here, not at the top: mime-types parses its whole database (~7 ms), and only apps serving files need it.
  mimeTypes ??= require("mime-types") as typeof import("mime-types");
  const list: Mount[] = mounts.map((m) => {
    const root = path.resolve(m.directory);
    return { ...m, root, prefix: m.routePrefix.replace(/\/+$/, ""), realRoot: realPath(root) };
  });
  return readOnlyBeforeNext(function staticFiles(req, next) {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    for (const m of list) {
      const file = resolve(m, req.path);
      if (file === undefined) continue;
      let stat: fs.Stats;
      let real: string | undefined;
      try {
        stat = fs.statSync(file.path);
        if (stat.isDirectory() && m.indexFile !== false) stat = fs.statSync((file.path = path.join(file.path, "index.html")));
        real = inside(m, file.path);
      } catch {
        continue;
      }
      if (real === undefined || !stat.isFile()) continue;
      return serve(m, file.path, real, stat, req);
    }
    return next();
  });
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

/**
 * The real path of `file` (every symlink resolved), when it lies under the
 * mount's real root; undefined when a link leads out. Served by that path, so
 * the file checked is the file read.
 */
function inside(m: Mount, file: string): string | undefined {
  const root = (m.realRoot ??= realPath(m.root));
  if (root === undefined) return undefined;
  const real = fs.realpathSync(file);
  return real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep) ? real : undefined;
}

function realPath(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

/** `named` is the path the URL names (its extension gives the type); `real` is what is read. */
function serve(m: Mount, named: string, real: string, stat: fs.Stats, req: Request): AnyResponse {
  const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  const headers: Record<string, string> = { etag, "last-modified": stat.mtime.toUTCString() };
  if (m.cacheControl) headers["cache-control"] = m.cacheControl;
  const inm = req.header("if-none-match");
  const ims = req.header("if-modified-since");
  if ((inm !== undefined && noneMatch(inm, etag)) || (inm === undefined && ims !== undefined && Date.parse(ims) >= Math.floor(stat.mtimeMs / 1000) * 1000)) {
    return new Response({ statusCode: 304, headers });
  }
  const type = lookupMime(named) || "application/octet-stream";
  if (req.method === "HEAD" || stat.size === 0) {
    headers["content-length"] = String(stat.size);
    return new Response({ statusCode: 200, headers, mediaType: type });
  }
  // Small files go out in one write; larger ones stream with backpressure.
  if (stat.size <= 64 * 1024) {
    try {
      return new Response({ statusCode: 200, headers, content: fs.readFileSync(real), mediaType: type });
    } catch {
      return new Response({ statusCode: 404 });
    }
  }
  headers["content-length"] = String(stat.size);
  return new StreamingResponse(fs.createReadStream(real), { statusCode: 200, headers, mediaType: type });
}

let mimeTypes: typeof import("mime-types") | undefined;

function lookupMime(file: string): string | false {
  return mimeTypes!.lookup(file);
}
