import { createFileRegistry, fromBinary, type DescService } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import protobuf from "protobufjs";
import descriptorExt from "protobufjs/ext/descriptor";

interface MessageProto {
  name: string;
  field?: Array<{ name: string; typeName?: string }>;
  nestedType?: MessageProto[];
}

/**
 * A `.proto` as @bufbuild/protobuf descriptors, for Connect's clients (connect-web's gRPC-Web
 * transport) without protoc: protobufjs writes the FileDescriptorSet, with its type names made
 * fully qualified (protobufjs leaves them relative; @bufbuild/protobuf resolves only `.pkg.Type`).
 */
export function connectService(root: protobuf.Root, serviceName: string): DescService {
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet(root))).getService(serviceName)!;
}

/** The Root's FileDescriptorSet, encoded, with fully qualified type names (for a client in a browser page too). */
export function descriptorSet(root: protobuf.Root): Uint8Array {
  root.resolveAll();
  const set = (root as unknown as { toDescriptor(syntax: string): { file: Array<{ package?: string; messageType: MessageProto[]; service: Array<{ method: Array<{ inputType: string; outputType: string }> }> }> } }).toDescriptor("proto3");
  const qualify = (messages: MessageProto[], scope: string): void => {
    for (const m of messages) {
      const type = root.lookup(`${scope}${m.name}`);
      for (const f of m.field ?? []) {
        if (f.typeName === undefined || f.typeName === "" || f.typeName.startsWith(".")) continue;
        const resolved = type instanceof protobuf.Type ? type.fields[f.name]?.resolvedType : undefined;
        // A map's entry type is nested in the message, under the name protobufjs gave it.
        f.typeName = resolved ? resolved.fullName : `.${scope}${m.name}.${f.typeName}`;
      }
      qualify(m.nestedType ?? [], `${scope}${m.name}.`);
    }
  };
  for (const file of set.file) {
    qualify(file.messageType, file.package ? `${file.package}.` : "");
    for (const s of file.service) {
      for (const method of s.method) {
        method.inputType = root.lookupType(method.inputType).fullName;
        method.outputType = root.lookupType(method.outputType).fullName;
      }
    }
  }
  return descriptorExt.FileDescriptorSet.encode(set as never).finish();
}
