import zlib from "node:zlib";
import { promisify } from "node:util";
import { GrpcError } from "./error";
import { GrpcStatus } from "./status";

/** Message encodings this server reads and writes (`grpc-encoding` / `grpc-accept-encoding`). */
export const SUPPORTED_ENCODINGS = ["identity", "gzip"] as const;
export type MessageEncoding = (typeof SUPPORTED_ENCODINGS)[number];
export const ACCEPT_ENCODING = SUPPORTED_ENCODINGS.join(",");

const gunzip = promisify(zlib.gunzip);
const gzip = promisify(zlib.gzip);

export function isSupportedEncoding(name: string): name is MessageEncoding {
  return name === "identity" || name === "gzip";
}

/**
 * Decompresses one message. `maxSize` bounds the output (RESOURCE_EXHAUSTED beyond), so a small
 * compressed message cannot expand into an unbounded buffer.
 */
export async function decompress(encoding: MessageEncoding, data: Buffer, maxSize: number): Promise<Buffer> {
  if (encoding === "identity") {
    // A compressed flag with identity encoding is a protocol error (PROTOCOL-HTTP2.md).
    throw new GrpcError(GrpcStatus.INTERNAL, "Received a compressed message but the call's grpc-encoding is identity");
  }
  try {
    return await gunzip(data, { maxOutputLength: Math.max(1, Math.min(maxSize + 1, 0x7fffffff)) }).then((out) => {
      if (out.length > maxSize) throw new RangeError("too large");
      return out;
    });
  } catch (err) {
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw new GrpcError(GrpcStatus.RESOURCE_EXHAUSTED, `Received message that decompresses to a size larger than ${maxSize}`);
    }
    throw new GrpcError(GrpcStatus.INTERNAL, "Received a message that is not valid gzip", undefined, { cause: err });
  }
}

export function compress(encoding: MessageEncoding, data: Uint8Array): Promise<Buffer> {
  if (encoding === "identity") return Promise.resolve(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return gzip(data);
}

/** The encoding to answer with: the first of ours the client lists in grpc-accept-encoding (identity if none). */
export function chooseResponseEncoding(acceptHeader: string | undefined, preferred: MessageEncoding | undefined): MessageEncoding {
  if (preferred === undefined || preferred === "identity" || acceptHeader === undefined) return "identity";
  const accepted = acceptHeader.split(",").map((s) => s.trim());
  return accepted.includes(preferred) ? preferred : "identity";
}
