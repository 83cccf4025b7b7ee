// The ceiling: uWebSockets.js with no framework, doing the same decoding and
// validation by hand (servers/shared/validate.mjs). Anything spikard adds on
// top of this is framework overhead.
import uWS from "uWebSockets.js";
import { checkItem, checkOrder, checkPath, checkQuery, checkSignup, checkUpload } from "./shared/validate.mjs";

const MAX_BODY = 1024 * 1024;

function send(res, status, body, type = "application/json") {
  res.cork(() => res.writeStatus(status).writeHeader("content-type", type).end(body));
}

function answer(res, checked) {
  if (checked.errors) send(res, "422 Unprocessable Entity", JSON.stringify({ errors: checked.errors }));
  else send(res, "200 OK", JSON.stringify(checked.value));
}

// uWS hands the body over in chunks whose memory is reused after each callback, so they are copied.
function readBody(res, onBody) {
  const chunks = [];
  let size = 0;
  res.onAborted(() => {
    res.aborted = true;
  });
  res.onData((chunk, isLast) => {
    size += chunk.byteLength;
    if (res.aborted) return;
    if (size > MAX_BODY) {
      send(res, "413 Payload Too Large", "{}");
      res.aborted = true;
      return;
    }
    chunks.push(Buffer.from(chunk.slice(0)));
    if (isLast) onBody(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  });
}

function jsonRoute(check) {
  return (res, req) => {
    const type = req.getHeader("content-type");
    if (!type.startsWith("application/json")) return send(res, "415 Unsupported Media Type", "{}");
    readBody(res, (buf) => {
      let body;
      try {
        body = JSON.parse(buf.toString("utf8"));
      } catch {
        return send(res, "400 Bad Request", '{"error":"malformed JSON"}');
      }
      answer(res, check(body));
    });
  };
}

const app = uWS.App();

app.get("/hello", (res) => {
  res.writeHeader("content-type", "text/plain; charset=utf-8").end("Hello, World!");
});

app.get("/query", (res, req) => {
  // getQuery(key) decodes in native code; missing keys come back undefined.
  answer(res, checkQuery((k) => req.getQuery(k)));
});

app.get("/users/:user_id/posts/:post_id", (res, req) => {
  answer(res, checkPath(req.getParameter(0), req.getParameter(1)));
});

app.post("/items", jsonRoute(checkItem));
app.post("/orders", jsonRoute(checkOrder));

app.post("/form", (res, req) => {
  if (!req.getHeader("content-type").startsWith("application/x-www-form-urlencoded")) return send(res, "415 Unsupported Media Type", "{}");
  readBody(res, (buf) => {
    const form = new URLSearchParams(buf.toString("latin1"));
    answer(res, checkSignup((k) => form.get(k) ?? undefined));
  });
});

app.post("/upload", (res, req) => {
  const type = req.getHeader("content-type");
  if (!type.startsWith("multipart/form-data")) return send(res, "415 Unsupported Media Type", "{}");
  readBody(res, (buf) => {
    const parts = uWS.getParts(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length), type) ?? [];
    let description;
    let file;
    for (const p of parts) {
      if (p.name === "description" && p.filename === undefined) description = Buffer.from(p.data).toString("utf8");
      else if (p.name === "file" && p.filename !== undefined) file = { filename: p.filename, size: p.data.byteLength };
    }
    answer(res, checkUpload(description, file));
  });
});

app.any("/*", (res) => send(res, "404 Not Found", "{}"));

const port = Number(process.env.PORT ?? 9102);
app.listen("127.0.0.1", port, (token) => {
  if (!token) {
    console.error(`uws: cannot listen on ${port}`);
    process.exit(1);
  }
});
