import type { Random } from "./random";

/**
 * Hostile bodies for the body fuzzer, from a seeded PRNG: JSON (malformed,
 * deep, huge, prototype keys, bad UTF-8), url-encoded forms (bad escapes,
 * huge counts, prototype keys) and multipart (hostile boundaries, part
 * headers with controls, huge counts and sizes, missing delimiters, traversal
 * filenames), each aimed at the route that reads that kind.
 */
export interface BodyCase {
  id: number;
  kind: "json" | "form" | "multipart";
  path: string;
  contentType: string;
  body: Buffer;
  what: string;
}

const utf8 = (s: string): Buffer => Buffer.from(s, "utf8");

function json(r: Random): [string, Buffer] {
  const valid = JSON.stringify({ id: "abc", amount: 5 });
  const cases: Array<() => [string, Buffer]> = [
    () => ["truncated", utf8(valid.slice(0, r.int(valid.length)))],
    () => { const d = 1 + r.int(20_000); return [`nested ${d}`, utf8("[".repeat(d) + "]".repeat(d))]; },
    () => { const d = 1 + r.int(20_000); return [`nested objects ${d}`, utf8('{"a":'.repeat(d) + "1" + "}".repeat(d))]; },
    () => ["huge number", utf8(`{"id":"a","amount":1${"0".repeat(400)}}`)],
    () => ["exponent", utf8('{"id":"a","amount":1e400}')],
    () => ["negative zero and NaN", utf8('{"id":"a","amount":NaN}')],
    () => ["lone surrogate", utf8('{"id":"\\ud800","amount":1}')],
    () => ["invalid UTF-8", Buffer.concat([utf8('{"id":"'), Buffer.from([0xff, 0xfe, 0xc0, 0x80]), utf8('","amount":1}')])],
    () => ["BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(valid)])],
    () => ["duplicate keys", utf8('{"id":"a","id":"b","amount":1,"amount":"x"}')],
    () => ["__proto__", utf8('{"id":"a","amount":1,"__proto__":{"polluted":true}}')],
    () => ["constructor.prototype", utf8('{"id":"a","amount":1,"constructor":{"prototype":{"polluted":true}}}')],
    () => ["long string", utf8(JSON.stringify({ id: "x".repeat(200_000 + r.int(600_000)), amount: 1 }))],
    () => ["long array", utf8(JSON.stringify({ id: "a", amount: 1, extra: Array.from({ length: 50_000 }, (_, i) => i) }))],
    () => ["wrong types", utf8(r.pick(['{"id":1,"amount":"5"}', '{"id":null,"amount":null}', "[]", "null", '"str"', "0", "true", "{}"]))],
    () => ["trailing garbage", utf8(valid + r.pick(["x", "}", " {}", "\u0000", "//c"]))],
    () => ["comments", utf8('{/*c*/"id":"a","amount":1}')],
    () => ["control characters in a string", utf8('{"id":"a\u0000\u001f","amount":1}')],
    () => ["empty", Buffer.alloc(0)],
    () => ["whitespace only", utf8(" \n\t ".repeat(1 + r.int(1000)))],
    () => ["random bytes", Buffer.from(Array.from({ length: 1 + r.int(400) }, () => r.int(256)))],
  ];
  return r.pick(cases)();
}

function form(r: Random): [string, Buffer] {
  const cases: Array<() => [string, Buffer]> = [
    () => ["bad escapes", utf8(r.pick(["name=%", "name=%zz", "name=%E9", "name=%C0%AF", "name=%%%", "name=a%2", "%=x", "name=%00"]))],
    () => ["many keys", utf8(Array.from({ length: 1 + r.int(50_000) }, (_, i) => `k${i}=v`).join("&") + "&name=a")],
    () => ["one key repeated", utf8(Array.from({ length: 1 + r.int(50_000) }, () => "name=v").join("&"))],
    () => ["prototype keys", utf8(r.pick(["__proto__[polluted]=1&name=a", "constructor[prototype][polluted]=1&name=a", "__proto__=x&name=a", "name=a&toString=1&hasOwnProperty=2"]))],
    () => ["structure", utf8(r.pick(["=", "&&&", "name", "=name", "name[]=a&name[]=b", "name[a][b][c]=1", "name=a=b=c", "+=+", "name=+a+"]))],
    () => ["long value", utf8(`name=${"a".repeat(100_000 + r.int(800_000))}`)],
    () => ["long key", utf8(`${"k".repeat(100_000)}=v&name=a`)],
    () => ["random bytes", Buffer.from(Array.from({ length: 1 + r.int(400) }, () => r.int(256)))],
  ];
  return r.pick(cases)();
}

function multipart(r: Random): [string, string, Buffer] {
  const boundaries = ["b", "----WebKitFormBoundary7MA4YWxkTrZu0gW", "x".repeat(70), "y".repeat(200 + r.int(2000)), "a'()+_,-./:=?", '"quoted"', "with space", "\u00e9", "--", "-"];
  const boundary = r.pick(boundaries);
  const ctBoundary = /[ "]/.test(boundary) ? `"${boundary.replace(/"/g, '\\"')}"` : boundary;
  const part = (headers: string, content: string): string => `--${boundary}\r\n${headers}\r\n\r\n${content}\r\n`;
  const file = (name: string, filename: string, content: string): string => part(`Content-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: application/octet-stream`, content);
  const field = (name: string, value: string): string => part(`Content-Disposition: form-data; name="${name}"`, value);
  const end = `--${boundary}--\r\n`;
  const cases: Array<() => [string, string]> = [
    () => ["valid", file("file", "a.txt", "hello") + field("note", "n") + end],
    () => ["no closing delimiter", file("file", "a.txt", "hello")],
    () => ["delimiter without CRLF", `--${boundary}Content-Disposition: form-data; name="file"; filename="a"\r\n\r\nx\r\n${end}`],
    () => ["content holding the boundary", file("file", "a.txt", `x--${boundary}y\r\n-${boundary}`) + end],
    () => ["control byte in a part header", part(`Content-Disposition: form-data; name="file"; filename="a${r.pick(["\u0000", "\r", "\u0001", "\u007f", "\u001b"])}b"`, "x") + end],
    () => ["obs-text in a filename", file("file", "r\u00e9sum\u00e9\u00ff.pdf", "x") + end],
    () => ["traversal filename", file("file", r.pick(["../../etc/passwd", "..\\..\\boot.ini", "/etc/shadow", "C:\\x\\..\\y", "....//", ".", ".."]), "x") + end],
    () => ["filename*", part("Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''%E2%82%AC%00.txt", "x") + end],
    () => ["huge part header", part(`Content-Disposition: form-data; name="file"; filename="a"\r\nX-Pad: ${"p".repeat(4000 + r.int(30_000))}`, "x") + end],
    () => ["many parts", Array.from({ length: 1500 + r.int(1500) }, (_, i) => field(`f${i}`, "v")).join("") + end],
    () => ["many files", Array.from({ length: 900 + r.int(300) }, (_, i) => file(`f${i}`, `${i}.bin`, "v")).join("") + end],
    () => ["big field", file("file", "a", "x") + field("note", "n".repeat(900_000 + r.int(300_000))) + end],
    () => ["no disposition", part("Content-Type: text/plain", "x") + file("file", "a", "y") + end],
    () => ["prototype names", field("__proto__", "x") + field("constructor", "y") + file("file", "a", "z") + end],
    () => ["empty parts", `--${boundary}\r\n\r\n\r\n`.repeat(1 + r.int(50)) + end],
    () => ["nested multipart", part('Content-Disposition: form-data; name="file"; filename="a"\r\nContent-Type: multipart/mixed; boundary=inner', "--inner\r\n\r\nx\r\n--inner--") + end],
    () => ["preamble and epilogue", `${"p".repeat(r.int(100_000))}\r\n${file("file", "a", "x")}${end}${"e".repeat(r.int(1000))}`],
    () => ["base64 transfer encoding", part('Content-Disposition: form-data; name="file"; filename="a"\r\nContent-Transfer-Encoding: base64', "aGVsbG8=") + end],
    () => ["folded header", part('Content-Disposition: form-data;\r\n name="file"; filename="a"', "x") + end],
    () => ["header without colon", part('Content-Disposition form-data; name="file"', "x") + end],
    () => ["random bytes", Array.from({ length: 1 + r.int(400) }, () => String.fromCharCode(r.int(256))).join("")],
  ];
  const [what, text] = r.pick(cases)();
  return [`${what} (boundary ${JSON.stringify(boundary.slice(0, 12))}${boundary.length > 12 ? "…" : ""})`, `multipart/form-data; boundary=${ctBoundary}`, Buffer.from(text, "latin1")];
}

export function generateBodies(r: Random, count: number): BodyCase[] {
  const out: BodyCase[] = [];
  for (let id = 0; id < count; id++) {
    const k = r.int(3);
    if (k === 0) {
      const [what, body] = json(r);
      out.push({ id, kind: "json", path: "/payments", contentType: r.pick(["application/json", "application/json; charset=utf-8", "application/vnd.x+json"]), body, what });
    } else if (k === 1) {
      const [what, body] = form(r);
      out.push({ id, kind: "form", path: "/form", contentType: "application/x-www-form-urlencoded", body, what });
    } else {
      const [what, contentType, body] = multipart(r);
      out.push({ id, kind: "multipart", path: "/upload", contentType, body, what });
    }
  }
  return out;
}
