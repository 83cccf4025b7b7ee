import type { HeaderValues, OutgoingHeaders, TransportCall } from "../adapter/grpc-call";
import { runPlanned } from "./call-lifecycle";
import { CallState, type DispatchOptions } from "./call-state";
import { ACCEPT_ENCODING, chooseResponseEncoding, isSupportedEncoding } from "./compression";
import type { GrpcRegistry } from "./registry";
import type { RegisteredMethod } from "./service";
import { GrpcStatus, type GrpcStatusCode } from "./status";
import { encodeStatusMessage } from "./status-message";
import { parseGrpcTimeout } from "./timeout";

export type { DispatchOptions };

/** Where calls find their methods: a registry, or several (the app's services, then the built-in ones). */
export type MethodTable = Pick<GrpcRegistry, "lookup" | "hasService">;

/**
 * Runs one call: finds its method, reads its deadline and encoding, then hands it to `runCall`.
 * Problems found before the handler runs answer trailers-only.
 */
export function dispatch(registry: MethodTable, call: TransportCall, options: DispatchOptions): Promise<void> {
  const method = registry.lookup(call.path);
  if (method === undefined) {
    endImmediately(call, GrpcStatus.UNIMPLEMENTED, unimplementedMessage(registry, call.path));
    return Promise.resolve();
  }
  const h = call.headers;
  let timeoutMs: number | undefined;
  const timeout = single(h["grpc-timeout"]);
  if (timeout !== undefined) {
    timeoutMs = parseGrpcTimeout(timeout);
    if (timeoutMs === undefined) {
      endImmediately(call, GrpcStatus.INTERNAL, `Invalid grpc-timeout value "${timeout.slice(0, 32)}"`);
      return Promise.resolve();
    }
  }
  const requestEncoding = single(h["grpc-encoding"]) ?? "identity";
  if (!isSupportedEncoding(requestEncoding)) {
    endImmediately(call, GrpcStatus.UNIMPLEMENTED, `Unsupported grpc-encoding "${requestEncoding.slice(0, 32)}"`, { "grpc-accept-encoding": ACCEPT_ENCODING });
    return Promise.resolve();
  }
  // Answer in the client's own encoding when it compresses, else in the configured one if accepted.
  const responseEncoding = chooseResponseEncoding(single(h["grpc-accept-encoding"]), requestEncoding !== "identity" ? requestEncoding : options.compression);
  return runCall(method, new CallState(call, method, options, requestEncoding, responseEncoding, timeoutMs));
}

/**
 * The one place a handler is invoked. Everything the handler sees is on `state.ctx`. A method
 * with hooks or injected parameters runs its plan around the handler (call-lifecycle.ts); one
 * without takes this plain path: read → handler → write, and hooks cost it nothing.
 */
export async function runCall(method: RegisteredMethod, state: CallState): Promise<void> {
  const plan = method.plan;
  if (plan !== undefined) return runPlanned(plan, method, state);
  try {
    const input = method.kind === "unary" || method.kind === "server_streaming" ? await state.readSingle() : state.requests();
    if (state.finished) return;
    const pending = method.invoke(input, state.ctx, state);
    if (pending !== undefined) await pending;
    state.finish(GrpcStatus.OK, "");
  } catch (err) {
    state.fail(err);
  }
}

function endImmediately(call: TransportCall, code: GrpcStatusCode, message: string, extra: OutgoingHeaders = {}): void {
  call.end({ ...extra, "grpc-status": String(code), "grpc-message": encodeStatusMessage(message) });
}

function unimplementedMessage(registry: MethodTable, path: string): string {
  const m = /^\/([^/]+)\/([^/]+)$/.exec(path);
  if (m === null) return `Malformed method path "${path.slice(0, 100)}"`;
  return registry.hasService(m[1]!) ? `Method ${m[2]} is not implemented by ${m[1]}` : `Service ${m[1]} is not implemented`;
}

function single(v: HeaderValues[string]): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
