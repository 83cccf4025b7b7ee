/** `spikard/grpc`: gRPC services on the HTTP/2 listener, and the codecs generated modules use. */
export { GrpcStatus, statusName, parseStatus, type GrpcStatusCode, type GrpcStatusName } from "./status";
export { GrpcError } from "./error";
export { Metadata, type MetadataValue, type MetadataInit } from "./metadata";
export { GrpcRequest, GrpcResponse } from "./messages";
export type { GrpcHandler } from "./handler";
export type { GrpcCallContext } from "./context";
export type { MethodKind } from "./service";
export { methodKind } from "./service";
export type { MessageCodec, MethodDefinition, ServiceDefinition, ServiceImplementation, MethodImplementation } from "./typed";
export { loadRoot, messageCodec } from "./codec";
export type { GrpcServerConfig, GrpcTlsOptions, GrpcKeepaliveOptions } from "./config";
export { encodeMessage, MessageDecoder } from "./framing";
export { parseGrpcTimeout, formatGrpcTimeout } from "./timeout";
export { encodeStatusMessage, decodeStatusMessage } from "./status-message";
export * as grpcWeb from "./web";
