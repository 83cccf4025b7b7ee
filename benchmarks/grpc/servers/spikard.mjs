// Spikard's gRPC listener with the typed form: codecs decode to plain objects and encode them (the same work as grpc-js + proto-loader).
import path from "node:path";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { Spikard } = require("../../../dist/src/index.js");
const { messageCodec } = require("../../../dist/src/grpc/index.js");
const protobuf = require("protobufjs");

const root = new protobuf.Root().loadSync(path.join(import.meta.dirname, "../bench.proto"), { keepCase: true });
const HelloRequest = messageCodec(root, "bench.v1.HelloRequest");
const HelloReply = messageCodec(root, "bench.v1.HelloReply");
const Bench = {
  typeName: "bench.v1.Bench",
  root: () => root,
  methods: {
    say: { name: "Say", kind: "unary", requestType: HelloRequest, responseType: HelloReply },
    stream: { name: "Stream", kind: "server_streaming", requestType: HelloRequest, responseType: HelloReply },
  },
};

const app = new Spikard({ logger: { error: console.error, warn: () => {}, info: () => {} } });
app.grpc(Bench, {
  say(req) {
    return { message: `hello ${req.name}`, n: 1 };
  },
  *stream(req) {
    for (let i = 0; i < req.count; i++) yield { message: req.name, n: i };
  },
});
const server = await app.serve({ host: "127.0.0.1", port: 0, grpcPort: Number(process.env.PORT) });
console.log(`ready ${server.grpcPort}`);
process.on("SIGTERM", () => server.close().then(() => process.exit(0)));
