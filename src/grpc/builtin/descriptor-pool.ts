import type protobuf from "protobufjs";

type DescriptorExt = typeof import("protobufjs/ext/descriptor");
interface FileProto {
  name: string;
  package?: string;
  dependency: string[];
  messageType: Array<{ name: string; field?: Array<{ typeName?: string }>; nestedType?: FileProto["messageType"]; enumType?: Array<{ name: string }> }>;
  enumType: Array<{ name: string }>;
  service: Array<{ name: string; method?: Array<{ name: string; inputType?: string; outputType?: string }> }>;
}

/**
 * The FileDescriptorProtos reflection serves, built once from the registered services' Roots.
 * protobufjs writes one file per package; this adds the `dependency` lists it leaves out (so a
 * client can resolve types across packages) and keeps file names unique across Roots.
 */
export class DescriptorPool {
  private readonly files = new Map<string, Uint8Array>();
  private readonly deps = new Map<string, string[]>();
  private readonly symbols = new Map<string, string>();

  constructor(roots: protobuf.Root[]) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ext = require("protobufjs/ext/descriptor") as DescriptorExt;
    const seen = new Set<protobuf.Root>();
    roots.forEach((root, index) => {
      if (seen.has(root)) return;
      seen.add(root);
      root.resolveAll();
      const set = (root as unknown as { toDescriptor(e: string): { file: FileProto[] } }).toDescriptor("proto3");
      const names = new Map<string, string>();
      for (const f of set.file) {
        const unique = this.files.has(f.name) ? `root${index}/${f.name}` : f.name;
        names.set(f.package ?? "", unique);
        f.name = unique;
      }
      for (const f of set.file) {
        const pkg = f.package ?? "";
        const prefix = pkg === "" ? "" : `${pkg}.`;
        const refs = new Set<string>();
        const addRef = (typeName: string | undefined): void => {
          if (typeName === undefined || typeName === "") return;
          const owner = packageOf(root, typeName.replace(/^\./, ""));
          const file = owner === undefined ? undefined : names.get(owner);
          if (file !== undefined && file !== f.name) refs.add(file);
        };
        const visit = (messages: FileProto["messageType"], scope: string): void => {
          for (const m of messages) {
            this.symbols.set(`${scope}${m.name}`, f.name);
            for (const field of m.field ?? []) addRef(field.typeName);
            for (const e of m.enumType ?? []) this.symbols.set(`${scope}${m.name}.${e.name}`, f.name);
            visit(m.nestedType ?? [], `${scope}${m.name}.`);
          }
        };
        visit(f.messageType, prefix);
        for (const e of f.enumType) this.symbols.set(`${prefix}${e.name}`, f.name);
        for (const s of f.service) {
          this.symbols.set(`${prefix}${s.name}`, f.name);
          for (const m of s.method ?? []) {
            this.symbols.set(`${prefix}${s.name}.${m.name}`, f.name);
            addRef(m.inputType);
            addRef(m.outputType);
          }
        }
        f.dependency = [...refs].sort();
        this.deps.set(f.name, f.dependency);
        this.files.set(f.name, ext.FileDescriptorProto.encode(f as never).finish());
      }
    });
  }

  /** The file with this name and every file it depends on, transitively (the file itself first). */
  fileByName(name: string): Uint8Array[] | undefined {
    if (!this.files.has(name)) return undefined;
    const order: string[] = [];
    const walk = (n: string): void => {
      if (order.includes(n) || !this.files.has(n)) return;
      order.push(n);
      for (const d of this.deps.get(n) ?? []) walk(d);
    };
    walk(name);
    return order.map((n) => this.files.get(n)!);
  }

  fileContainingSymbol(symbol: string): Uint8Array[] | undefined {
    const file = this.symbols.get(symbol.replace(/^\./, ""));
    return file === undefined ? undefined : this.fileByName(file);
  }
}

/** The package (namespace path) a fully qualified type name is declared in. */
function packageOf(root: protobuf.Root, fullName: string): string | undefined {
  let found: protobuf.ReflectionObject | null;
  try {
    found = root.lookup(fullName);
  } catch {
    return undefined;
  }
  let ns = found?.parent ?? null;
  // Nested types: climb to the enclosing namespace that is not a message.
  while (ns !== null && (ns as protobuf.Type).fields !== undefined && (ns as protobuf.Type).fieldsArray !== undefined) ns = ns.parent;
  return ns === null ? undefined : ns.fullName.replace(/^\./, "");
}
