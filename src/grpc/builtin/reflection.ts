import protobuf from "protobufjs";
import { messageCodec } from "../codec";
import type { RegisteredService } from "../registry";
import { GrpcStatus } from "../status";
import { typedMethods, type ServiceDefinition } from "../typed";
import { DescriptorPool } from "./descriptor-pool";
import { reflectionProto } from "./protos";

interface ReflectionRequest {
  host: string;
  file_by_filename?: string;
  file_containing_symbol?: string;
  file_containing_extension?: { containing_type: string; extension_number: number };
  all_extension_numbers_of_type?: string;
  list_services?: string;
}

type ReflectionResponse = Record<string, unknown>;

/**
 * grpc.reflection.v1 and v1alpha ServerReflection: lists the registered services and serves the
 * file descriptors of their types, so grpcurl, Postman and reflection clients can call them.
 */
export function reflectionServices(services: () => RegisteredService[]): RegisteredService[] {
  let pool: DescriptorPool | undefined;
  const getPool = (): DescriptorPool => (pool ??= new DescriptorPool(services().flatMap((s) => (s.root ? [s.root()] : []))));
  return (["v1", "v1alpha"] as const).map((version) => {
    const root = protobuf.parse(reflectionProto(version), { keepCase: true }).root;
    const pkg = `grpc.reflection.${version}`;
    const definition: ServiceDefinition = {
      typeName: `${pkg}.ServerReflection`,
      methods: {
        info: {
          name: "ServerReflectionInfo",
          kind: "bidi_streaming",
          requestType: messageCodec<ReflectionRequest>(root, `${pkg}.ServerReflectionRequest`),
          responseType: messageCodec<ReflectionResponse>(root, `${pkg}.ServerReflectionResponse`),
        },
      },
      root: () => root,
    };
    const impl = {
      async *info(requests: AsyncIterable<ReflectionRequest>): AsyncGenerator<ReflectionResponse> {
        for await (const req of requests) yield answer(req, getPool(), services);
      },
    };
    return { name: definition.typeName, methods: typedMethods(definition, impl), root: definition.root };
  });
}

function answer(req: ReflectionRequest, pool: DescriptorPool, services: () => RegisteredService[]): ReflectionResponse {
  const base = { valid_host: req.host, original_request: req };
  const files = (list: Uint8Array[] | undefined, what: string): ReflectionResponse =>
    list === undefined
      ? { ...base, error_response: { error_code: GrpcStatus.NOT_FOUND, error_message: `${what} not found` } }
      : { ...base, file_descriptor_response: { file_descriptor_proto: list } };
  if (req.list_services !== undefined) return { ...base, list_services_response: { service: services().map((s) => ({ name: s.name })) } };
  if (req.file_by_filename !== undefined) return files(pool.fileByName(req.file_by_filename), `File ${req.file_by_filename}`);
  if (req.file_containing_symbol !== undefined) return files(pool.fileContainingSymbol(req.file_containing_symbol), `Symbol ${req.file_containing_symbol}`);
  if (req.file_containing_extension !== undefined) return { ...base, error_response: { error_code: GrpcStatus.NOT_FOUND, error_message: "Extensions are not supported" } };
  if (req.all_extension_numbers_of_type !== undefined) {
    return { ...base, all_extension_numbers_response: { base_type_name: req.all_extension_numbers_of_type, extension_number: [] } };
  }
  return { ...base, error_response: { error_code: GrpcStatus.INVALID_ARGUMENT, error_message: "Empty reflection request" } };
}
