import type protobuf from "protobufjs";
import type { GrpcCallContext } from "./context";
import { GrpcError } from "./error";
import type { MethodKind, OutgoingMessage, RegisteredMethod, ResponseSink } from "./service";
import { GrpcStatus } from "./status";

/** A message type's codec: `decode` gives the plain object a handler reads, `encode` takes what it returns. */
export interface MessageCodec<T, TInit = T> {
  readonly typeName: string;
  encode(value: TInit): Uint8Array;
  decode(bytes: Uint8Array): T;
  /** The encoding behind an uncompressed gRPC prefix, in one buffer (codecs from `messageCodec` have it). */
  encodeFramed?(value: TInit): Buffer;
}

export interface MethodDefinition<I = any, O = any, OInit = any, K extends MethodKind = MethodKind> {
  /** The method's name in the .proto (`GetUser`). */
  readonly name: string;
  readonly kind: K;
  readonly requestType: MessageCodec<I, any>;
  readonly responseType: MessageCodec<O, OInit>;
}

/** A service as `spikard generate proto` writes it: `app.grpc(UserService, impl)`. */
export interface ServiceDefinition {
  /** `example.v1.UserService` */
  readonly typeName: string;
  readonly methods: Readonly<Record<string, MethodDefinition>>;
  /** The protobufjs Root the service came from (for reflection). */
  readonly root?: () => protobuf.Root;
}

type Awaitable<T> = T | Promise<T>;
type Stream<T> = AsyncIterable<T> | Iterable<T>;
type RequestOf<M> = M extends MethodDefinition<infer I, any, any, any> ? I : never;
type ReplyOf<M> = M extends MethodDefinition<any, any, infer OInit, any> ? OInit : never;

/** The handler a method of a given kind takes. */
export type MethodImplementation<M> = M extends { kind: "unary" }
  ? (request: RequestOf<M>, ctx: GrpcCallContext) => Awaitable<ReplyOf<M>>
  : M extends { kind: "server_streaming" }
    ? (request: RequestOf<M>, ctx: GrpcCallContext) => Stream<ReplyOf<M>>
    : M extends { kind: "client_streaming" }
      ? (requests: AsyncIterable<RequestOf<M>>, ctx: GrpcCallContext) => Awaitable<ReplyOf<M>>
      : M extends { kind: "bidi_streaming" }
        ? (requests: AsyncIterable<RequestOf<M>>, ctx: GrpcCallContext) => Stream<ReplyOf<M>>
        : never;

/** Every method of the service, typed from its definition. */
export type ServiceImplementation<S extends ServiceDefinition> = {
  [K in keyof S["methods"]]: MethodImplementation<S["methods"][K]>;
};

/** Decodes with the method's codec; a malformed message is INTERNAL, as grpc-js and grpc-java answer it. */
function decodeWith<T>(codec: MessageCodec<T, unknown>, bytes: Buffer): T {
  try {
    return codec.decode(bytes);
  } catch (err) {
    throw new GrpcError(GrpcStatus.INTERNAL, `Error deserializing request: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function* decodeAll<T>(codec: MessageCodec<T, unknown>, input: AsyncIterable<Buffer>): AsyncGenerator<T> {
  for await (const b of input) yield decodeWith(codec, b);
}

/** Writes each item of a handler's response stream, waiting whenever the client is behind. */
export async function pump<T>(items: Stream<T>, sink: ResponseSink, toMessage: (item: T) => OutgoingMessage): Promise<void> {
  for await (const item of items as AsyncIterable<T>) {
    const wait = sink.send(toMessage(item));
    if (wait === false) return; // the call is over: `return` from for-await closes the generator
    if (wait !== undefined) await wait;
  }
}

/** The registered methods of a typed service implementation. */
export function typedMethods(service: ServiceDefinition, impl: Record<string, unknown>): RegisteredMethod[] {
  return Object.entries(service.methods).map(([key, def]) => {
    const fn = impl[key] as ((input: unknown, ctx: GrpcCallContext) => unknown) | undefined;
    const path = `/${service.typeName}/${def.name}`;
    const req = def.requestType;
    const res = def.responseType;
    const framed = res.encodeFramed;
    const encode =
      framed === undefined
        ? (v: unknown): OutgoingMessage => ({ payload: res.encode(v) })
        : (v: unknown): OutgoingMessage => {
            const frame = framed(v);
            return { payload: frame.subarray(5), frame };
          };
    const base = { path, serviceName: service.typeName, methodName: def.name, kind: def.kind };
    if (typeof fn !== "function") {
      return { ...base, invoke: () => Promise.reject(new GrpcError(GrpcStatus.UNIMPLEMENTED, `Method ${def.name} is not implemented by ${service.typeName}`)) };
    }
    const call = fn.bind(impl);
    let invoke: RegisteredMethod["invoke"];
    switch (def.kind) {
      case "unary":
        invoke = (input, ctx, sink) => {
          const out = call(decodeWith(req, input as Buffer), ctx);
          // A handler that returns a value (not a promise) is answered without another microtask.
          if (!isThenable(out)) return settle(sink.send(encode(out)));
          return Promise.resolve(out).then((v) => settle(sink.send(encode(v))));
        };
        break;
      case "server_streaming":
        invoke = (input, ctx, sink) => pump(call(decodeWith(req, input as Buffer), ctx) as Stream<unknown>, sink, encode);
        break;
      case "client_streaming":
        invoke = async (input, ctx, sink) => {
          const out = await call(decodeAll(req, input as AsyncIterable<Buffer>), ctx);
          const wait = sink.send(encode(out));
          if (wait) await wait;
        };
        break;
      case "bidi_streaming":
        invoke = (input, ctx, sink) => pump(call(decodeAll(req, input as AsyncIterable<Buffer>), ctx) as Stream<unknown>, sink, encode);
        break;
    }
    return { ...base, invoke };
  });
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === "object" && v !== null && typeof (v as PromiseLike<unknown>).then === "function";
}

function settle(wait: Promise<void> | undefined | false): Promise<void> | undefined {
  return wait === false ? undefined : wait;
}

/** True for a definition written by `spikard generate proto` (as opposed to a protobufjs Service). */
export function isServiceDefinition(s: unknown): s is ServiceDefinition {
  return typeof s === "object" && s !== null && typeof (s as ServiceDefinition).typeName === "string" && typeof (s as ServiceDefinition).methods === "object";
}
