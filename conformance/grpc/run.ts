import { isDeepStrictEqual } from "node:util";
import * as grpc from "@grpc/grpc-js";
import type protobuf from "protobufjs";
import { Spikard } from "../../src/app";
import { expectationOf, requestStream, RESERVED, statusLabel, type Expectation } from "./expectations";
import { loadGrpcFixtures, type GrpcFixture } from "./fixtures";
import { fixtureHandler } from "./handler";
import { decodedShape, exampleProblem, rootFromSchema, wireShape } from "./schema";

export interface GrpcResult {
  id: string;
  category: string;
  status: "passed" | "failed" | "skipped";
  detail?: string;
}

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };

/**
 * Spikard's protobuf fixtures: per fixture, a protobufjs Root from its schema and a server whose
 * handler answers what the fixture expects; a grpc-js client sends the fixture's request and the
 * answer is checked on the wire (messages decoded from the bytes, status, message, metadata, trailers, order).
 */
export async function runGrpcFixtures(dir: string, skipReason: (f: GrpcFixture) => string | undefined, only?: Set<string>): Promise<GrpcResult[]> {
  const results: GrpcResult[] = [];
  for (const f of loadGrpcFixtures(dir)) {
    if (only && !only.has(f.category) && !only.has("protobuf")) continue;
    const base = { id: f.id, category: f.category };
    const reason = skipReason(f);
    if (reason) {
      results.push({ ...base, status: "skipped", detail: reason });
      continue;
    }
    try {
      const diff = await runOne(f);
      results.push(diff ? { ...base, status: "failed", detail: diff } : { ...base, status: "passed" });
    } catch (err) {
      results.push({ ...base, status: "failed", detail: `error: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}` });
    }
  }
  return results;
}

async function runOne(f: GrpcFixture): Promise<string | undefined> {
  const root = rootFromSchema(f.data.protobuf);
  const service = root.lookupService(f.data.handler.service);
  const method = service.methods[f.data.handler.method];
  if (method === undefined) return `schema has no method ${f.data.handler.method}`;
  const problem = schemaProblem(f, method);
  if (problem) return `example violates its schema (list it in conformance/skips.json): ${problem}`;
  const exp = expectationOf(f.data, !!method.responseStream);
  const app = new Spikard({ logger: quiet, gracefulShutdownTimeout: 1, grpc: { maxReceiveMessageSize: exp.maxReceiveMessageSize, health: false, reflection: false } });
  app.grpc(service, fixtureHandler(f.data, method));
  const server = await app.serve({ host: "127.0.0.1", port: 0, grpcPort: 0 });
  const client = new grpc.Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure(), exp.gzip ? { "grpc.default_compression_algorithm": 2 } : {});
  try {
    const outcome = await call(client, f, method, exp);
    return compare(outcome, exp, method.resolvedResponseType!);
  } finally {
    client.close();
    await server.close();
  }
}

function schemaProblem(f: GrpcFixture, method: protobuf.Method): string | undefined {
  const req = method.resolvedRequestType!;
  const res = method.resolvedResponseType!;
  const e = f.data.expected_response;
  const examples: Array<[protobuf.Type, unknown, string]> = [
    ...requestStream(f.data).map((m, i): [protobuf.Type, unknown, string] => [req, m, `request[${i}]`]),
    ...(typeof e.message === "object" ? [[res, e.message, "expected.message"] as [protobuf.Type, unknown, string]] : []),
    ...(e.stream ?? []).map((m, i): [protobuf.Type, unknown, string] => [res, m, `expected.stream[${i}]`]),
  ];
  for (const [type, value, at] of examples) {
    const p = exampleProblem(type, value, at);
    if (p) return p;
  }
  return undefined;
}

interface Outcome {
  messages: Buffer[];
  status: grpc.StatusObject;
  headers: grpc.Metadata;
}

/** One call with grpc-js, raw bytes kept: the answer is decoded by the checker, not by the client. */
function call(client: grpc.Client, f: GrpcFixture, method: protobuf.Method, exp: Expectation): Promise<Outcome> {
  const reqType = method.resolvedRequestType!;
  const path = `/${f.data.handler.service}/${method.name}`;
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(f.data.request.metadata ?? {})) if (!RESERVED.has(k)) md.set(k, v);
  const options: grpc.CallOptions = exp.deadlineMs !== undefined ? { deadline: Date.now() + exp.deadlineMs } : {};
  const serialize = (m: Record<string, unknown>): Buffer => Buffer.from(reqType.encode(reqType.fromObject(m)).finish());
  const identity = (b: Buffer): Buffer => b;
  const requests = requestStream(f.data);
  return new Promise((resolve) => {
    const messages: Buffer[] = [];
    let headers = new grpc.Metadata();
    let finished: grpc.StatusObject | undefined;
    const done = (status: grpc.StatusObject): void => {
      if (finished) return;
      finished = status;
      setImmediate(() => resolve({ messages, status, headers }));
    };
    let c: grpc.ClientUnaryCall | grpc.ClientReadableStream<Buffer> | grpc.ClientWritableStream<Record<string, unknown>> | grpc.ClientDuplexStream<Record<string, unknown>, Buffer>;
    if (!method.requestStream && !method.responseStream) c = client.makeUnaryRequest(path, serialize, identity, requests[0] ?? {}, md, options, (_e, r) => r && messages.push(r));
    else if (!method.requestStream) c = client.makeServerStreamRequest(path, serialize, identity, requests[0] ?? {}, md, options);
    else if (!method.responseStream) c = client.makeClientStreamRequest(path, serialize, identity, md, options, (_e, r) => r && messages.push(r));
    else c = client.makeBidiStreamRequest(path, serialize, identity, md, options);
    c.on("metadata", (m: grpc.Metadata) => (headers = m));
    if ("read" in c) c.on("data", (b: Buffer) => messages.push(b));
    (c as unknown as NodeJS.EventEmitter).on("error", () => undefined);
    c.on("status", done);
    if ("write" in c) {
      for (const m of requests) c.write(m);
      c.end();
    }
  });
}

function compare(o: Outcome, exp: Expectation, resType: protobuf.Type): string | undefined {
  if (o.status.code !== exp.code) return `status ${statusLabel(o.status.code)}${o.status.details ? ` "${o.status.details.slice(0, 120)}"` : ""}, expected ${statusLabel(exp.code)}`;
  // A deadline the client enforces ends the call in grpc-js itself, with grpc-js's own message.
  const clientDeadline = exp.code === 4 && exp.deadlineMs !== undefined;
  if (exp.message !== undefined && !clientDeadline && o.status.details !== exp.message) return `status message ${JSON.stringify(o.status.details)}, expected ${JSON.stringify(exp.message)}`;
  const got = o.messages.map((b) => decodedShape(resType, b));
  if (exp.stream !== undefined) {
    const want = exp.stream.map((m) => wireShape(resType, m));
    if (got.length !== want.length) return `${got.length} response messages, expected ${want.length}`;
    const i = got.findIndex((m, k) => !isDeepStrictEqual(m, want[k]));
    if (i !== -1) return `response ${i} ${JSON.stringify(got[i]).slice(0, 200)}, expected ${JSON.stringify(want[i]).slice(0, 200)}`;
  } else if (exp.response !== undefined) {
    const want = wireShape(resType, exp.response);
    if (got.length !== 1 || !isDeepStrictEqual(got[0], want)) return `response ${JSON.stringify(got).slice(0, 200)}, expected ${JSON.stringify(want).slice(0, 200)}`;
  }
  for (const [k, v] of Object.entries(exp.headers)) {
    const seen = o.headers.get(k)[0];
    if (seen === undefined || (v !== "<<present>>" && seen !== v)) return `response metadata ${k}: ${JSON.stringify(seen)}, expected ${JSON.stringify(v)}`;
  }
  for (const [k, v] of Object.entries(exp.trailers)) {
    const seen = o.status.metadata.get(k)[0];
    if (seen !== v) return `trailer ${k}: ${JSON.stringify(seen)}, expected ${JSON.stringify(v)}`;
  }
  return undefined;
}
