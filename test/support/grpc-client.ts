import http2 from "node:http2";
import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs";

/** A grpc-js client for a service of a protobufjs Root (messages encoded with protobufjs, keepCase). */
export function grpcClient(root: protobuf.Root, serviceName: string, port: number, options: grpc.ChannelOptions = {}): grpc.Client & Record<string, any> {
  const service = root.lookupService(serviceName);
  const definition: Record<string, grpc.MethodDefinition<any, any>> = {};
  for (const m of service.methodsArray) {
    m.resolve();
    const req = m.resolvedRequestType!;
    const res = m.resolvedResponseType!;
    const key = m.name[0]!.toLowerCase() + m.name.slice(1);
    definition[key] = {
      path: `/${serviceName}/${m.name}`,
      requestStream: !!m.requestStream,
      responseStream: !!m.responseStream,
      requestSerialize: (v: object) => Buffer.from(req.encode(req.fromObject(v)).finish()),
      requestDeserialize: (b: Buffer) => req.decode(b),
      responseSerialize: (v: object) => Buffer.from(res.encode(v).finish()),
      responseDeserialize: (b: Buffer) => res.toObject(res.decode(b), { longs: String, defaults: true, arrays: true }),
    };
  }
  const Ctor = grpc.makeGenericClientConstructor(definition, serviceName);
  return new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options) as grpc.Client & Record<string, any>;
}

export function unary<T>(client: Record<string, any>, method: string, request: object, metadata = new grpc.Metadata(), options: grpc.CallOptions = {}): Promise<{ response: T; headers: grpc.Metadata; status: grpc.StatusObject }> {
  return new Promise((resolve, reject) => {
    let headers = new grpc.Metadata();
    let response: T | undefined;
    let error: grpc.ServiceError | undefined;
    const call = client[method](request, metadata, options, (err: grpc.ServiceError | null, res: T) => {
      if (err) error = err;
      response = res;
    });
    call.on("metadata", (md: grpc.Metadata) => (headers = md));
    call.on("status", (status: grpc.StatusObject) => {
      // The callback runs before 'status'.
      setImmediate(() => (error ? reject(Object.assign(error, { trailers: status.metadata, headers })) : resolve({ response: response as T, headers, status })));
    });
  });
}

export function collect<T>(call: grpc.ClientReadableStream<T>): Promise<{ messages: T[]; status: grpc.StatusObject; headers: grpc.Metadata; error?: grpc.ServiceError }> {
  return new Promise((resolve) => {
    const messages: T[] = [];
    let headers = new grpc.Metadata();
    let error: grpc.ServiceError | undefined;
    call.on("metadata", (md) => (headers = md));
    call.on("data", (m: T) => messages.push(m));
    call.on("error", (e: grpc.ServiceError) => (error = e));
    call.on("status", (status) => setImmediate(() => resolve({ messages, status, headers, error })));
  });
}

export interface RawResponse {
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  frames: Array<{ compressed: boolean; data: Buffer }>;
  /** grpc-status from the trailers, or from the headers of a trailers-only answer. */
  status: string | undefined;
  message: string | undefined;
}

/** One call over a raw node:http2 client, for what grpc-js never sends (hostile frames, bad headers). */
export function rawCall(port: number, path: string, body: Buffer | Buffer[], headers: http2.OutgoingHttpHeaders = {}, opts: { end?: boolean } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on("error", reject);
    const req = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", ...headers });
    let resHeaders: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    req.on("response", (h) => (resHeaders = h));
    req.on("trailers", (t) => (trailers = t));
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", () => undefined);
    req.on("close", () => {
      session.close();
      const all = Buffer.concat(chunks);
      const frames: RawResponse["frames"] = [];
      for (let i = 0; i + 5 <= all.length; ) {
        const len = all.readUInt32BE(i + 1);
        frames.push({ compressed: all[i] === 1, data: all.subarray(i + 5, i + 5 + len) });
        i += 5 + len;
      }
      const pick = (k: string): string | undefined => (trailers[k] ?? resHeaders[k]) as string | undefined;
      resolve({ headers: resHeaders, trailers, frames, status: pick("grpc-status"), message: pick("grpc-message") });
    });
    for (const b of Array.isArray(body) ? body : [body]) req.write(b);
    if (opts.end !== false) req.end();
  });
}
