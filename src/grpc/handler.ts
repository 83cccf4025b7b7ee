import type { GrpcCallContext } from "./context";
import type { GrpcRequest, GrpcResponse } from "./messages";

type Awaitable<T> = T | Promise<T>;

/**
 * The low-level handler: bytes in, bytes out. Implement the methods your service's method kinds
 * need (the service descriptor tells which one each method uses); a missing one answers UNIMPLEMENTED.
 */
export interface GrpcHandler {
  handleRequest?(request: GrpcRequest, ctx: GrpcCallContext): Awaitable<GrpcResponse>;
  handleServerStream?(request: GrpcRequest, ctx: GrpcCallContext): AsyncIterable<GrpcResponse> | Iterable<GrpcResponse>;
  handleClientStream?(requests: AsyncIterable<GrpcRequest>, ctx: GrpcCallContext): Awaitable<GrpcResponse>;
  handleBidiStream?(requests: AsyncIterable<GrpcRequest>, ctx: GrpcCallContext): AsyncIterable<GrpcResponse> | Iterable<GrpcResponse>;
}
