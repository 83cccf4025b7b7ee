// A plain @grpc/grpc-js server doing the same work (proto-loader: decode to plain objects, encode them).
import path from "node:path";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js");
const loader = require("@grpc/proto-loader");

const def = loader.loadSync(path.join(import.meta.dirname, "../bench.proto"), { keepCase: true, longs: String, enums: Number, defaults: true });
const pkg = grpc.loadPackageDefinition(def);
const server = new grpc.Server();
server.addService(pkg.bench.v1.Bench.service, {
  say(call, callback) {
    callback(null, { message: `hello ${call.request.name}`, n: 1 });
  },
  stream(call) {
    for (let i = 0; i < call.request.count; i++) call.write({ message: call.request.name, n: i });
    call.end();
  },
});
server.bindAsync(`127.0.0.1:${process.env.PORT}`, grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  console.log(`ready ${port}`);
});
process.on("SIGTERM", () => server.tryShutdown(() => process.exit(0)));
