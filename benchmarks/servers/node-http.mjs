// Plain node:http with hand-written routing and the same hand validation as
// the raw uWS server; busboy parses multipart, as most bare Node servers do.
import http from "node:http";
import busboy from "busboy";
import { checkItem, checkOrder, checkPath, checkQuery, checkSignup, checkUpload } from "./shared/validate.mjs";

const MAX_BODY = 1024 * 1024;
const POST_PATH = /^\/users\/([^/]+)\/posts\/([^/]+)$/;

function send(res, status, body, type = "application/json") {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function answer(res, checked) {
  if (checked.errors) send(res, 422, JSON.stringify({ errors: checked.errors }));
  else send(res, 200, JSON.stringify(checked.value));
}

function readBody(req, res, onBody) {
  const chunks = [];
  let size = 0;
  req.on("data", (c) => {
    size += c.length;
    if (size > MAX_BODY) {
      send(res, 413, "{}");
      req.destroy();
    } else chunks.push(c);
  });
  req.on("end", () => {
    if (size <= MAX_BODY) onBody(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  });
}

function json(req, res, check) {
  if (!(req.headers["content-type"] ?? "").startsWith("application/json")) return send(res, 415, "{}");
  readBody(req, res, (buf) => {
    let body;
    try {
      body = JSON.parse(buf.toString("utf8"));
    } catch {
      return send(res, 400, '{"error":"malformed JSON"}');
    }
    answer(res, check(body));
  });
}

function form(req, res) {
  if (!(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) return send(res, 415, "{}");
  readBody(req, res, (buf) => {
    const fields = new URLSearchParams(buf.toString("latin1"));
    answer(res, checkSignup((k) => fields.get(k) ?? undefined));
  });
}

function upload(req, res) {
  let bb;
  try {
    bb = busboy({ headers: req.headers, limits: { fileSize: MAX_BODY } });
  } catch {
    return send(res, 415, "{}");
  }
  let description;
  let file;
  bb.on("field", (name, value) => {
    if (name === "description") description = value;
  });
  bb.on("file", (name, stream, info) => {
    if (name !== "file") return void stream.resume();
    const f = { filename: info.filename, size: 0 };
    stream.on("data", (c) => (f.size += c.length));
    stream.on("end", () => (file = f));
  });
  bb.on("close", () => answer(res, checkUpload(description, file)));
  bb.on("error", () => send(res, 400, '{"error":"malformed multipart"}'));
  req.pipe(bb);
}

const server = http.createServer((req, res) => {
  const q = req.url.indexOf("?");
  const path = q === -1 ? req.url : req.url.slice(0, q);
  if (req.method === "GET") {
    if (path === "/hello") return send(res, 200, "Hello, World!", "text/plain; charset=utf-8");
    if (path === "/query") {
      const params = new URLSearchParams(q === -1 ? "" : req.url.slice(q + 1));
      return answer(res, checkQuery((k) => params.get(k) ?? undefined));
    }
    const m = POST_PATH.exec(path);
    if (m) return answer(res, checkPath(m[1], m[2]));
  } else if (req.method === "POST") {
    if (path === "/items") return json(req, res, checkItem);
    if (path === "/orders") return json(req, res, checkOrder);
    if (path === "/form") return form(req, res);
    if (path === "/upload") return upload(req, res);
  }
  send(res, 404, "{}");
});

// Matches uWS and the frameworks: keep-alive connections stay open for the whole run.
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 9105), "127.0.0.1");
