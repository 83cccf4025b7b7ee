/** Imported by code the transformer and `spikard gen` emit; not for direct use. */
export type { RouteMeta, ArgMeta, ArgsMeta, ParamMeta, BodyMeta, ResponseMeta, IsFn, ValidateFn, StringifyFn } from "./meta";
export { META_VERSION } from "./meta";
export { registerGenerated, type GeneratedMetadata } from "./generated";
