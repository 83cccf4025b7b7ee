export { Spikard, type Server, type ServeOptions } from "./app";
export { Router, type RouterOptions, type RouteOptions, type HttpMethod, type Handler } from "./router";
export { Response, StreamingResponse, type ResponseInit, type StreamingResponseInit, type CookieOptions } from "./response";
export { HttpError, SpikardError, type HttpErrorOptions } from "./errors";
export { Request } from "./context";
export type { Query, Path, Header, Cookie, Body, Int, Float, Separator, Strict, OneOf, Rule } from "./markers";
export type { ServerConfig } from "./config";
export { UploadFile } from "./multipart/upload-file";
export type { OpenApiConfig } from "./openapi/config";
