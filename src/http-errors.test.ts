import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HTTP_ERRORS, httpError, Rejection, type HttpErrorCode } from "./http-errors";

const codes = Object.keys(HTTP_ERRORS) as HttpErrorCode[];
const docs = fs.readFileSync(path.resolve(__dirname, "../docs/errors.md"), "utf8");

/** Sample arguments per code, so every body builder runs. */
const SAMPLE: { [C in HttpErrorCode]: Parameters<(typeof HTTP_ERRORS)[C]["body"]> } = {
  VALIDATION: [[{ type: "missing", loc: ["query", "q"], msg: "Field required", input: null }]],
  NOT_FOUND: ["No route matches GET /x"],
  METHOD_NOT_ALLOWED: ["Method POST is not allowed for /x"],
  INTERNAL: [],
  BAD_REQUEST: ["Invalid Content-Length header"],
  MALFORMED_BODY: [],
  JSON_TOO_DEEP: [3],
  INVALID_CONTENT_TYPE: [],
  MISSING_BOUNDARY: [],
  FORM_PARSE: ["bad"],
  MULTIPART_PARSE: ["bad"],
  MULTIPART_LIMIT: ["fields", 1000],
  UNSUPPORTED_CHARSET: ["latin-1"],
  UNSUPPORTED_MEDIA_TYPE: [],
  PAYLOAD_TOO_LARGE: [10],
  HEADERS_TOO_LARGE: [10],
  TOO_MANY_HEADERS: [100],
  URI_TOO_LONG: [8192],
  VERSION_NOT_SUPPORTED: ["2.0"],
  UNAUTHORIZED: ["Missing API key", "Expected a key"],
  CORS_ORIGIN_FORBIDDEN: ["https://evil.example"],
  CORS_NULL_ORIGIN: [],
  CORS_PREFLIGHT_FORBIDDEN: [],
  RATE_LIMITED: ["1"],
  RATE_LIMIT_STORE_FAILED: [],
  REQUEST_TIMEOUT: [],
  DEPENDENCY_ERROR: [{ type: "https://spikard.dev/errors/dependency-error", status: 500 }],
  UPGRADE_REQUIRED: ["This endpoint speaks the WebSocket protocol"],
};

describe("HTTP_ERRORS", () => {
  it("has the expected number of codes (update this count and docs/errors.md deliberately)", () => {
    expect(codes).toHaveLength(28);
  });

  it.each(codes)("%s is documented with its status and type", (code) => {
    const spec = HTTP_ERRORS[code] as { status: number; type?: string };
    const row = new RegExp(`^\\| ${code} \\| ${spec.status} \\|\\s*${(spec.type ?? "").replace(/[.]/g, "\\.")}\\s*\\|`, "m");
    expect(docs).toMatch(row);
  });

  it.each(codes)("%s builds a body that matches its declared type and content type", (code) => {
    const spec = HTTP_ERRORS[code] as { status: number; type?: string; contentType?: string };
    const p = httpError(code, SAMPLE[code] as never);
    expect(p.status).toBe(spec.status);
    if (p.body === undefined) {
      expect(p.headers).toEqual([]);
      return;
    }
    expect(p.headers).toEqual(["content-type", spec.contentType]);
    if (spec.contentType?.includes("json")) {
      const body = JSON.parse(p.body) as { type?: string; status?: number };
      if (spec.type !== undefined) expect([body.type, body.status]).toEqual([spec.type, spec.status]);
    }
  });

  it("puts extra headers first and keeps the shared list of the plain case unwritable", () => {
    const p = httpError("METHOD_NOT_ALLOWED", ["x"], ["allow", "GET"]);
    expect(p.headers).toEqual(["allow", "GET", "content-type", "application/problem+json; charset=utf-8"]);
    expect(Object.isFrozen(httpError("NOT_FOUND", ["x"]).headers)).toBe(true);
    expect(httpError("NOT_FOUND", ["x"]).headers).toBe(httpError("NOT_FOUND", ["y"]).headers);
  });

  it("a Rejection carries its table entry's response", () => {
    const r = new Rejection("PAYLOAD_TOO_LARGE", 5);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.payload.body!)).toEqual({ error: "Payload Too Large", message: "Request body size exceeds maximum allowed size of 5 bytes" });
  });
});
