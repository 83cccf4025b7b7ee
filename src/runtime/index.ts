/** Imported by code the transformer emits; not for direct use. */
export type { RouteMeta, ArgMeta, ParamMeta, BodyMeta, ResponseMeta, IsFn, ValidateFn, StringifyFn } from "./meta";
export { META_VERSION } from "./meta";
