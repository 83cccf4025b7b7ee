// Bundled for a browser page by test/grpc/web-browser.test.ts: connect-web's gRPC-Web transport, as a web app ships it.
import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";

interface Outcome {
  user?: { id: number; name: string };
  streamed?: number[];
  trailer?: string | null;
  error?: { code: number; message: string };
}

(globalThis as unknown as { grpcWebCalls: unknown }).grpcWebCalls = async (baseUrl: string, descriptorBase64: string): Promise<Outcome[]> => {
  const bytes = Uint8Array.from(atob(descriptorBase64), (c) => c.charCodeAt(0));
  const service = createFileRegistry(fromBinary(FileDescriptorSetSchema, bytes)).getService("example.v1.UserService")!;
  const client = createClient(service, createGrpcWebTransport({ baseUrl })) as unknown as Record<string, (req: object, opts?: object) => unknown>;
  const out: Outcome[] = [];
  let trailer: string | null = null;
  const user = (await client.getUser!({ id: 7 }, { headers: { "x-caller": "browser" }, onTrailer: (t: Headers) => (trailer = t.get("x-user-id")) })) as { id: number; name: string };
  out.push({ user: { id: user.id, name: user.name }, trailer });
  const streamed: number[] = [];
  for await (const m of client.listUsers!({ count: 5 }) as AsyncIterable<{ id: number }>) streamed.push(m.id);
  out.push({ streamed });
  try {
    await client.getUser!({ id: 404 });
  } catch (e) {
    const err = ConnectError.from(e);
    out.push({ error: { code: err.code, message: err.rawMessage } });
  }
  return out;
};
