import { parseStatus, statusName, type GrpcStatusCode } from "../../src/grpc/status";
import type { GrpcFixtureData } from "./fixtures";

/** What a fixture says the call must end with, read the same way by the handler and the checker. */
export interface Expectation {
  code: GrpcStatusCode;
  /** The status message, when the fixture states one. */
  message: string | undefined;
  /** The single response (unary, client streaming). */
  response: Record<string, unknown> | undefined;
  /** The response stream (server, bidi), in order. */
  stream: Array<Record<string, unknown>> | undefined;
  /** Response-header metadata; "<<present>>" means any value. */
  headers: Record<string, string>;
  trailers: Record<string, string>;
  /** Client deadline in ms. */
  deadlineMs: number | undefined;
  /** How long the handler works before answering (it gives up when the deadline aborts it). */
  sleepMs: number;
  requiredHeaders: string[];
  gzip: boolean;
  maxReceiveMessageSize: number | undefined;
}

/** Headers gRPC reserves for the transport: a handler cannot set them, so they are not compared. */
export const RESERVED = new Set(["content-type", "te", "grpc-status", "grpc-message", "grpc-encoding", "grpc-accept-encoding", "grpc-timeout", "user-agent"]);

/** `responseStream`: the method streams its answers, so a lone expected `message` is a stream of one. */
export function expectationOf(f: GrpcFixtureData, responseStream: boolean): Expectation {
  const e = f.expected_response;
  const code = parseStatus(e.error?.code ?? e.status_code) ?? parseStatus(e.status_code);
  if (code === undefined) throw new Error(`unknown status ${e.status_code}`);
  const message = e.error?.message ?? e.error_message ?? e.protobuf?.error_message ?? (code !== 0 && typeof e.message === "string" ? e.message : undefined);
  const timeout = f.handler.middleware?.request_timeout as { seconds?: number; sleep_ms?: number } | undefined;
  const deadlineMs = f.handler.timeout_ms ?? (timeout?.seconds !== undefined ? timeout.seconds * 1000 : undefined);
  const delay = typeof f.request.message?.delay_ms === "number" ? (f.request.message.delay_ms as number) : undefined;
  const headers = Object.fromEntries(Object.entries({ ...e.metadata, ...e.protobuf?.metadata }).filter(([k]) => !RESERVED.has(k)));
  const response = typeof e.message === "object" && code === 0 ? e.message : undefined;
  const stream = e.stream ?? (e.stream_count !== undefined ? generatedStream(e.stream_count, e.stream_sample) : undefined);
  return {
    code,
    message,
    response: responseStream ? undefined : response,
    stream: responseStream && stream === undefined && response !== undefined ? [response] : stream,
    headers,
    trailers: { ...e.protobuf?.trailers },
    deadlineMs,
    sleepMs: code === 4 && deadlineMs !== undefined ? (timeout?.sleep_ms ?? delay ?? 60_000) : 0,
    requiredHeaders: f.handler.protobuf?.metadata?.required_headers ?? [],
    gzip: f.handler.protobuf?.metadata?.compression === "gzip",
    maxReceiveMessageSize: f.handler.middleware?.body_limit?.max_bytes as number | undefined,
  };
}

/**
 * A stream given by count and samples: message n is the sample with `sequence` n, else the first
 * sample's shape continued (sequence n, timestamp counting up), as Spikard's fixture server builds it.
 */
function generatedStream(count: number, samples: Array<Record<string, unknown>> | undefined): Array<Record<string, unknown>> {
  const bySeq = new Map((samples ?? []).filter((s) => typeof s.sequence === "number").map((s) => [s.sequence as number, s]));
  const template = samples?.[0] ?? {};
  return Array.from({ length: count }, (_, i) => {
    const seq = i + 1;
    const sample = bySeq.get(seq);
    if (sample) return sample;
    const m: Record<string, unknown> = {};
    if ("sequence" in template || bySeq.size > 0) m.sequence = seq;
    if (typeof template.timestamp === "number") m.timestamp = template.timestamp + i;
    if (typeof template.status === "string") m.status = template.status;
    return m;
  });
}

/** The request stream: given, or generated from `stream_generator` (`field=[a..b]` ranges) and `stream_size`. */
export function requestStream(f: GrpcFixtureData): Array<Record<string, unknown>> {
  if (f.request.stream) return f.request.stream;
  if (f.request.stream_size === undefined) return f.request.message ? [f.request.message] : [];
  const ranges = [...(f.request.stream_generator ?? "").matchAll(/(\w+)=\[(-?\d+)\.\.(-?\d+)\]/g)].map((m) => ({ field: m[1]!, from: Number(m[2]) }));
  return Array.from({ length: f.request.stream_size }, (_, i) => Object.fromEntries(ranges.map((r) => [r.field, r.from + i])));
}

export function statusLabel(code: number): string {
  return `${statusName(code) ?? "?"} (${code})`;
}
