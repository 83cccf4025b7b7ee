import { randomBytes } from "node:crypto";
import type { Fixture } from "./fixtures";
import type { WireRequest } from "./client";

/** The fixture's request on the wire: query, headers, cookies, JSON/form/multipart/raw bodies. */
export function buildRequest(fixture: Fixture): WireRequest {
  const r = expandTemplates(fixture.data.request) as Record<string, any>;
  let path = String(r.path);
  if (!path.includes("?")) {
    const query = typeof r.query_string === "string" ? r.query_string : r.query_params ? encodeQuery(r.query_params) : "";
    if (query) path += `?${query}`;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries((r.headers ?? {}) as Record<string, unknown>)) headers[k] = String(v);
  const has = (name: string): string | undefined => Object.keys(headers).find((k) => k.toLowerCase() === name);
  if (r.content_type !== undefined && !has("content-type")) headers["Content-Type"] = String(r.content_type);
  if (r.cookies && Object.keys(r.cookies).length > 0) {
    headers.Cookie = Object.entries(r.cookies as Record<string, string>).map(([k, v]) => `${k}=${v}`).join("; ");
  }
  let body: Buffer | undefined;
  if (r.files !== undefined || ((r.form_data !== undefined || r.data !== undefined) && isMultipart(headers, has))) {
    const ctKey = has("content-type");
    const declared = ctKey ? headers[ctKey]! : "";
    const boundary = /boundary=([^;]+)/.exec(declared)?.[1] ?? `----spikard${randomBytes(8).toString("hex")}`;
    if (!ctKey || !declared.includes("boundary=")) {
      if (ctKey) delete headers[ctKey];
      headers["Content-Type"] = `multipart/form-data; boundary=${boundary}`;
    }
    body = multipart(boundary, (r.form_data ?? r.data ?? {}) as Record<string, unknown>, (r.files ?? []) as unknown);
  } else if (r.form_data !== undefined || r.data !== undefined) {
    body = Buffer.from(encodeQuery((r.form_data ?? r.data) as Record<string, unknown>));
    if (!has("content-type")) headers["Content-Type"] = "application/x-www-form-urlencoded";
  } else if (typeof r.body_raw === "string") {
    body = Buffer.from(r.body_raw);
  } else if ("body" in r && r.body !== undefined) {
    if (typeof r.body === "string") body = Buffer.from(r.body);
    else {
      body = Buffer.from(JSON.stringify(r.body));
      if (!has("content-type")) headers["Content-Type"] = "application/json";
    }
  }
  if (body !== undefined) headers["Content-Length"] = String(body.length);
  return { method: String(r.method).toUpperCase(), path, headers, body };
}

function isMultipart(headers: Record<string, string>, has: (n: string) => string | undefined): boolean {
  const k = has("content-type");
  return k !== undefined && headers[k]!.toLowerCase().startsWith("multipart/");
}

export function encodeQuery(values: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(values)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item === undefined) continue;
      const s = item === null ? "" : typeof item === "object" ? JSON.stringify(item) : String(item);
      parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(s)}`);
    }
  }
  return parts.join("&");
}

interface FileSpec {
  field_name?: string;
  name?: string;
  filename?: string;
  content?: string;
  content_base64?: string;
  content_type?: string;
  magic_bytes?: string;
  size?: number;
  headers?: Record<string, string>;
}

function multipart(boundary: string, fields: Record<string, unknown>, files: unknown): Buffer {
  const chunks: Buffer[] = [];
  const push = (s: string | Buffer): void => void chunks.push(typeof s === "string" ? Buffer.from(s) : s);
  for (const [name, v] of Object.entries(fields)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      push(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${typeof item === "object" ? JSON.stringify(item) : String(item)}\r\n`);
    }
  }
  const list: Array<[string, FileSpec]> = Array.isArray(files)
    ? (files as FileSpec[]).map((f) => [f.field_name ?? f.name ?? "file", f])
    : Object.entries(files as Record<string, FileSpec | FileSpec[]>).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((f) => [k, f] as [string, FileSpec]));
  for (const [field, f] of list) {
    const filename = f.filename !== undefined ? `; filename="${f.filename}"` : "";
    let extra = "";
    for (const [k, v] of Object.entries(f.headers ?? {})) if (k.toLowerCase() !== "content-type") extra += `${k}: ${v}\r\n`;
    const type = f.content_type !== undefined ? `Content-Type: ${f.content_type}\r\n` : "";
    push(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"${filename}\r\n${type}${extra}\r\n`);
    push(fileContent(f));
    push("\r\n");
  }
  push(`--${boundary}--\r\n`);
  return Buffer.concat(chunks);
}

function fileContent(f: FileSpec): Buffer {
  if (f.content_base64 !== undefined) return Buffer.from(f.content_base64, "base64");
  const magic = f.magic_bytes !== undefined ? Buffer.from(f.magic_bytes.replace(/\s+/g, ""), "hex") : Buffer.alloc(0);
  const content = f.content !== undefined ? Buffer.from(f.content) : Buffer.alloc(0);
  const body = Buffer.concat([magic, content]);
  if (f.size !== undefined && body.length < f.size) return Buffer.concat([body, Buffer.alloc(f.size - body.length, 0x61)]);
  return body;
}

/** `{{ repeat 'x' 2000 times }}` inside fixture strings. */
export function expandTemplates(value: unknown): unknown {
  if (typeof value === "string") {
    if (value.includes("skip_template_expansion")) return value;
    return value.replace(/\{\{\s*repeat\s+'([^']*)'\s+(\d+)\s+times\s*\}\}/g, (_m, s: string, n: string) => s.repeat(Number(n)));
  }
  if (Array.isArray(value)) return value.map(expandTemplates);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandTemplates(v)]));
  return value;
}
