import type protobuf from "protobufjs";
import type { GrpcCallContext } from "./context";
import { GrpcError } from "./error";
import type { GrpcHandler } from "./handler";
import { GrpcRequest, type GrpcResponse } from "./messages";
import { methodKind, type MethodKind, type OutgoingMessage, type RegisteredMethod } from "./service";
import { GrpcStatus } from "./status";
import { pump } from "./typed";

const HANDLER_METHOD: Record<MethodKind, keyof GrpcHandler> = {
  unary: "handleRequest",
  server_streaming: "handleServerStream",
  client_streaming: "handleClientStream",
  bidi_streaming: "handleBidiStream",
};

export const LOW_LEVEL_METHODS = Object.values(HANDLER_METHOD);

export interface MethodShape {
  name: string;
  kind: MethodKind;
}

/** Method names and kinds of a protobufjs Service (`root.lookupService("example.v1.UserService")`). */
export function protobufServiceMethods(service: protobuf.Service): MethodShape[] {
  return service.methodsArray.map((m) => ({ name: m.name, kind: methodKind(m.requestStream, m.responseStream) }));
}

const toMessage = (r: GrpcResponse): OutgoingMessage => ({ payload: r.payload, metadata: r.metadata });

/** The registered methods of a low-level `GrpcHandler`: each call goes to the handle* method its kind names. */
export function lowLevelMethods(serviceName: string, methods: MethodShape[], handler: GrpcHandler): RegisteredMethod[] {
  return methods.map(({ name, kind }) => {
    const path = `/${serviceName}/${name}`;
    const fn = handler[HANDLER_METHOD[kind]] as ((input: unknown, ctx: GrpcCallContext) => unknown) | undefined;
    const base = { path, serviceName, methodName: name, kind };
    if (typeof fn !== "function") {
      return { ...base, invoke: () => Promise.reject(new GrpcError(GrpcStatus.UNIMPLEMENTED, `Method ${name} is not implemented by ${serviceName} (no ${HANDLER_METHOD[kind]})`)) };
    }
    const call = fn.bind(handler);
    const request = (payload: Buffer, ctx: GrpcCallContext): GrpcRequest => new GrpcRequest({ payload, methodName: name, serviceName, metadata: ctx.metadata });
    async function* requests(input: AsyncIterable<Buffer>, ctx: GrpcCallContext): AsyncGenerator<GrpcRequest> {
      for await (const b of input) yield request(b, ctx);
    }
    let invoke: RegisteredMethod["invoke"];
    switch (kind) {
      case "unary":
        invoke = async (input, ctx, sink) => {
          const wait = sink.send(toMessage((await call(request(input as Buffer, ctx), ctx)) as GrpcResponse));
          if (wait) await wait;
        };
        break;
      case "server_streaming":
        invoke = (input, ctx, sink) => pump(call(request(input as Buffer, ctx), ctx) as AsyncIterable<GrpcResponse>, sink, toMessage);
        break;
      case "client_streaming":
        invoke = async (input, ctx, sink) => {
          const wait = sink.send(toMessage((await call(requests(input as AsyncIterable<Buffer>, ctx), ctx)) as GrpcResponse));
          if (wait) await wait;
        };
        break;
      case "bidi_streaming":
        invoke = (input, ctx, sink) => pump(call(requests(input as AsyncIterable<Buffer>, ctx), ctx) as AsyncIterable<GrpcResponse>, sink, toMessage);
        break;
    }
    return { ...base, invoke };
  });
}
