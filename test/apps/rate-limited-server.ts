// A rate-limited app in its own process (LiveTestClient.fromModule), configured from the environment:
// SPIKARD_WORKERS threads, RL_PER_SECOND/RL_BURST, RL_REDIS_URL for the Redis store (memory otherwise),
// RL_ON_STORE_ERROR, RL_API_KEY to put API-key authentication behind the limit, RL_TRUST_PROXY (hops).
import { threadId } from "node:worker_threads";
import { Spikard, type Body } from "spikard";
import { redisStore } from "spikard/rate-limit";

interface Echo {
  n: number;
}

const env = process.env;
const app = new Spikard({
  rateLimit: {
    perSecond: Number(env.RL_PER_SECOND ?? 50),
    burst: Number(env.RL_BURST ?? 50),
    store: env.RL_REDIS_URL ? redisStore({ url: env.RL_REDIS_URL, prefix: env.RL_PREFIX, timeout: 1000 }) : undefined,
    onStoreError: env.RL_ON_STORE_ERROR === "deny" ? "deny" : "allow",
  },
  apiKeyAuth: env.RL_API_KEY ? { keys: [env.RL_API_KEY] } : undefined,
  trustProxy: env.RL_TRUST_PROXY ? Number(env.RL_TRUST_PROXY) : undefined,
});
app.get("/ping", () => ({ thread: threadId }));
app.post("/echo", (body: Body<Echo>) => ({ n: body.n, thread: threadId }));
app.run();
