export { Spikard, type Server, type ServeOptions } from "./app";
export { Router, type RouterOptions, type RouteOptions, type RouteDefaults, type HttpMethod, type Handler } from "./router";
export { Response, StreamingResponse, type AnyResponse, type ResponseInit, type StreamingResponseInit, type CookieOptions } from "./response";
export { HttpError, SpikardError, type HttpErrorOptions } from "./errors";
export { Request } from "./context";
export type { Query, Path, Header, Cookie, Body, Int, Float, Separator, Strict, OneOf, Rule, MinProperties, MaxProperties, Inject } from "./markers";
/** typia's tags (`tags.MinLength<3>`), for projects where npm installs typia under spikard (beside TypeScript 7). */
export type { tags } from "typia";
export type { ServerConfig } from "./config";
export { UploadFile } from "./multipart/upload-file";
export type { OpenApiConfig } from "./openapi/config";
export { Provide, type ProvideOptions, type Provider } from "./di/provide";
export { BackgroundTasks } from "./background";
export type { RequestHook, ResponseHook, ErrorHook, HookPhase, Middleware, Next } from "./hooks";
export type { DependencyKey } from "./router";
