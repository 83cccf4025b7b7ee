import { describe, expect, it } from "vitest";
import { FRAMEWORK_ERRORS, HttpError, reasonPhrase, SpikardError, type FrameworkErrorCode } from "./errors";

const codes = Object.keys(FRAMEWORK_ERRORS) as FrameworkErrorCode[];

describe("FRAMEWORK_ERRORS", () => {
  it("has the expected number of codes (update this count deliberately)", () => {
    expect(codes).toHaveLength(18);
  });

  it.each(codes)("%s: the error's code is its key and its message is filled in", (code) => {
    const template = FRAMEWORK_ERRORS[code];
    expect(template.trim()).not.toBe("");
    const e = new SpikardError(code, "ARG1", "ARG2");
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("SpikardError");
    expect(e.code).toBe(code);
    expect(e.message).not.toBe("");
    expect(e.message).not.toContain("%s");
    if (template.includes("%s")) expect(e.message).toContain("ARG1");
  });

  it("fills placeholders in order, and missing arguments with nothing", () => {
    expect(new SpikardError("DUPLICATE_ROUTE", "GET /a").message).toBe("Route GET /a is registered twice.");
    expect(new SpikardError("LISTEN_FAILED").message).toBe("Could not listen on .");
  });
});

describe("HttpError", () => {
  it("defaults title to the reason phrase, detail to the title, and type to a slug of the title", () => {
    const e = new HttpError(404);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("HttpError");
    expect(e.message).toBe("Not Found");
    expect(e.toProblem()).toEqual({ type: "https://spikard.dev/errors/not-found", title: "Not Found", status: 404, detail: "Not Found" });
  });

  it("slugs punctuation in the title", () => {
    expect(new HttpError(418, "I refuse to brew coffee").toProblem()).toEqual({
      type: "https://spikard.dev/errors/i-m-a-teapot",
      title: "I'm a teapot",
      status: 418,
      detail: "I refuse to brew coffee",
    });
  });

  it("takes type, title, extensions, headers and cause from options", () => {
    const cause = new Error("db down");
    const e = new HttpError(503, "Try later", { type: "urn:x", title: "Busy", extensions: { retry: 5 }, headers: { "retry-after": "5" }, cause });
    expect(e.toProblem()).toEqual({ type: "urn:x", title: "Busy", status: 503, detail: "Try later", retry: 5 });
    expect(e.headers).toEqual({ "retry-after": "5" });
    expect(e.cause).toBe(cause);
    expect(e.statusCode).toBe(503);
  });

  it("slugs a custom title when no type is given", () => {
    expect(new HttpError(400, undefined, { title: "Request Validation Failed" }).type).toBe("https://spikard.dev/errors/request-validation-failed");
  });

  it("has no cause unless one is given", () => {
    expect("cause" in new HttpError(500)).toBe(false);
  });
});

describe("reasonPhrase", () => {
  it.each([
    [100, "Continue"],
    [200, "OK"],
    [308, "Permanent Redirect"],
    [404, "Not Found"],
    [418, "I'm a teapot"],
    [422, "Unprocessable Entity"],
    [503, "Service Unavailable"],
    [599, "Internal Server Error"],
    [499, "Bad Request"],
    [299, "OK"],
  ])("%d → %s", (status, phrase) => {
    expect(reasonPhrase(status)).toBe(phrase);
  });
});

describe("HttpError extensions", () => {
  it("add members but cannot rewrite type, title, status or detail", () => {
    const e = new HttpError(404, "gone", { extensions: { status: 200, detail: "fine", trace_id: "t1" } });
    expect(e.toProblem()).toEqual({ type: "https://spikard.dev/errors/not-found", title: "Not Found", status: 404, detail: "gone", trace_id: "t1" });
  });
});
