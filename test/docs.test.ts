import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CODEGEN_ERRORS } from "../src/codegen/errors";
import { FRAMEWORK_ERRORS } from "../src/errors";
import { TRANSFORMER_ERRORS } from "../transformer/TransformerError";

const docs = fs.readFileSync(path.resolve(__dirname, "../docs/errors.md"), "utf8");

describe("docs/errors.md", () => {
  it.each(Object.keys(TRANSFORMER_ERRORS))("documents compile-time diagnostic %s", (code) => {
    expect(docs).toMatch(new RegExp(`^\\| ${code} \\|`, "m"));
  });
  it.each(Object.keys(FRAMEWORK_ERRORS))("documents framework error %s", (code) => {
    expect(docs).toMatch(new RegExp(`^\\| ${code} \\|`, "m"));
  });
  it.each(Object.keys(CODEGEN_ERRORS))("documents code generator error %s", (code) => {
    expect(docs).toMatch(new RegExp(`^\\| ${code} \\|`, "m"));
  });
});
