import { isDeepStrictEqual } from "node:util";
import type protobuf from "protobufjs";
import { GrpcError } from "../../src/grpc/error";
import { GrpcResponse, type GrpcRequest } from "../../src/grpc/messages";
import type { GrpcCallContext } from "../../src/grpc/context";
import type { GrpcHandler } from "../../src/grpc/handler";
import { GrpcStatus } from "../../src/grpc/status";
import { expectationOf, requestStream, RESERVED } from "./expectations";
import type { GrpcFixtureData } from "./fixtures";
import { decodedShape, wireShape } from "./schema";

/**
 * The server side of a fixture, on the seed's low-level GrpcHandler: it checks that the request
 * (messages and metadata) arrived as the fixture sent it, then answers the fixture's expected
 * message or stream and status. A request that did not survive the wire answers DATA_LOSS.
 */
export function fixtureHandler(f: GrpcFixtureData, method: protobuf.Method): GrpcHandler {
  const exp = expectationOf(f, !!method.responseStream);
  const reqType = method.resolvedRequestType!;
  const resType = method.resolvedResponseType!;
  const sent = requestStream(f).map((m) => wireShape(reqType, m));
  const encode = (m: Record<string, unknown>): GrpcResponse => new GrpcResponse({ payload: resType.encode(resType.fromObject(m)).finish() });

  const checkMetadata = (ctx: GrpcCallContext): void => {
    for (const h of exp.requiredHeaders) if (!ctx.metadata.has(h)) throw new GrpcError(GrpcStatus.UNAUTHENTICATED, `missing ${h}`);
    for (const [k, v] of Object.entries(f.request.metadata ?? {})) {
      if (RESERVED.has(k)) continue;
      if (ctx.metadata.get(k) !== v) throw new GrpcError(GrpcStatus.DATA_LOSS, `request metadata ${k} arrived as ${JSON.stringify(ctx.metadata.get(k))}, sent ${JSON.stringify(v)}`);
    }
    for (const [k, v] of Object.entries(exp.headers)) ctx.setHeader(k, v === "<<present>>" ? "present" : v);
    for (const [k, v] of Object.entries(exp.trailers)) ctx.setTrailer(k, v);
  };
  const checkRequest = (i: number, payload: Buffer): void => {
    const got = decodedShape(reqType, payload);
    if (!isDeepStrictEqual(got, sent[i])) throw new GrpcError(GrpcStatus.DATA_LOSS, `request ${i} arrived as ${JSON.stringify(got).slice(0, 200)}, sent ${JSON.stringify(sent[i]).slice(0, 200)}`);
  };
  const work = (ctx: GrpcCallContext): Promise<void> =>
    exp.sleepMs === 0 ? Promise.resolve() : new Promise((resolve) => {
      const t = setTimeout(resolve, exp.sleepMs);
      ctx.signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
    });
  const fail = (): never => {
    throw new GrpcError(exp.code, exp.message ?? "");
  };
  const reply = (): GrpcResponse => encode(exp.response ?? {});

  return {
    async handleRequest(req, ctx) {
      checkMetadata(ctx);
      checkRequest(0, req.payload);
      await work(ctx);
      return exp.code === 0 ? reply() : fail();
    },
    async *handleServerStream(req, ctx) {
      checkMetadata(ctx);
      checkRequest(0, req.payload);
      for (const m of exp.stream ?? []) {
        await work(ctx);
        if (ctx.signal.aborted) return;
        yield encode(m);
      }
      await work(ctx);
      if (exp.code !== 0) fail();
    },
    async handleClientStream(requests: AsyncIterable<GrpcRequest>, ctx) {
      checkMetadata(ctx);
      let i = 0;
      for await (const r of requests) checkRequest(i++, r.payload);
      if (i !== sent.length) throw new GrpcError(GrpcStatus.DATA_LOSS, `${i} request messages arrived, ${sent.length} sent`);
      await work(ctx);
      return exp.code === 0 ? reply() : fail();
    },
    async *handleBidiStream(requests: AsyncIterable<GrpcRequest>, ctx) {
      checkMetadata(ctx);
      const out = [...(exp.stream ?? [])];
      let i = 0;
      // One answer per request as it arrives (a real duplex exchange), the rest after the client half-closes.
      for await (const r of requests) {
        checkRequest(i++, r.payload);
        const next = out.shift();
        if (next !== undefined) yield encode(next);
      }
      for (const m of out) yield encode(m);
      await work(ctx);
      if (exp.code !== 0) fail();
    },
  };
}
