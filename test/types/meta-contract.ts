/**
 * Type fixture for test/meta-contract.test.ts: the transformer builds metadata
 * through `emit<T>` with T taken from the runtime's contract
 * (src/runtime/meta.ts), so each mistake below fails to compile. Every
 * `@ts-expect-error` must be needed, or tsc reports it unused.
 */
import ts from "typescript";
import type { BodyMeta, ParamMeta, ResponseMeta } from "../../src/runtime/meta";
import { bool, emit, literal, str, typed } from "../../transformer/programmers/emit";

export const complete = emit<ParamMeta>({ in: str("query"), name: str("q"), key: str("q"), kind: str("string"), array: bool(false), optional: bool(false), nullable: bool(false) });

// @ts-expect-error misspelled field: "nulable"
export const misspelled = emit<ParamMeta>({ in: str("query"), name: str("q"), key: str("q"), kind: str("string"), array: bool(false), optional: bool(false), nulable: bool(false) });

// @ts-expect-error missing field: nullable
export const missing = emit<ParamMeta>({ in: str("query"), name: str("q"), key: str("q"), kind: str("string"), array: bool(false), optional: bool(false) });

// @ts-expect-error a scalar kind the runtime does not decode
export const unknownKind = emit<ParamMeta>({ in: str("query"), name: str("q"), key: str("q"), kind: str("integr"), array: bool(false), optional: bool(false), nullable: bool(false) });

// @ts-expect-error a source the runtime does not read
export const unknownSource = emit<ParamMeta>({ in: str("body"), name: str("q"), key: str("q"), kind: str("string"), array: bool(false), optional: bool(false), nullable: bool(false) });

// @ts-expect-error a value of the wrong type
export const wrongType = emit<ParamMeta>({ in: str("query"), name: str("q"), key: str("q"), kind: str("string"), array: str("false"), optional: bool(false), nullable: bool(false) });

// @ts-expect-error an untyped expression is not a value of the contract
export const untyped = emit<ResponseMeta>({ kind: ts.factory.createStringLiteral("json") });

// @ts-expect-error a body kind the runtime cannot decode
export const bodyKind = emit<BodyMeta>({ in: str("body"), name: str("b"), kinds: literal(["json", "xml"] as const), optional: bool(false) });

// Generated code is declared with the type it evaluates to.
export const generated = emit<ResponseMeta>({ kind: str("json"), stringify: typed<(input: unknown) => string>(ts.factory.createIdentifier("__stringify")) });
