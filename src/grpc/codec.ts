import protobuf from "protobufjs";
import type { MessageCodec } from "./typed";

/**
 * How decoded messages look to handlers: every field present (proto3 defaults filled in),
 * 64-bit integers as decimal strings (exact, unlike number), enums as numbers, bytes as Buffer.
 */
const DECODED: protobuf.IConversionOptions = { longs: String, enums: Number, defaults: true, arrays: true, objects: true };

/** The protobufjs Root a generated module embeds (its JSON descriptor; no .proto is read at run time). */
export function loadRoot(json: object): protobuf.Root {
  // protobufjs's INamespace type leaves out members its own toJSON writes (keyType, protoName).
  return protobuf.Root.fromJSON(json as protobuf.INamespace);
}

/** A codec over one message type of a Root, by fully qualified name. */
export function messageCodec<T, TInit = T>(root: protobuf.Root, typeName: string): MessageCodec<T, TInit> {
  const type = root.lookupType(typeName);
  return {
    typeName,
    encode: (value: TInit): Uint8Array => type.encode(value as protobuf.Message).finish(),
    decode: (bytes: Uint8Array): T => type.toObject(type.decode(bytes), DECODED) as T,
    encodeFramed: (value: TInit): Buffer => {
      // The gRPC prefix is written first as 5 placeholder bytes (a 1-byte varint 0 and a fixed32),
      // then patched: the response needs one buffer instead of an encoding plus a framed copy.
      const w = protobuf.Writer.create();
      w.uint32(0).fixed32(0);
      const out = type.encode(value as protobuf.Message, w).finish() as Buffer;
      out.writeUInt32BE(out.length - 5, 1);
      return out;
    },
  };
}
