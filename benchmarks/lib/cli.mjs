// Pure: command-line flags into options.

export const USAGE = `usage: node benchmarks/run.mjs [--quick] [--duration=S] [--warmup=S] [--rounds=N]
  [--connections=N] [--only=workload,...] [--servers=name,...] [--tool=wrk|autocannon] [--no-extras]

  --quick        1 round of 1 s after 1 s warm-up, 1 build timing (under 2 minutes)
  --only         workloads to run (default all)
  --servers      servers to run (default all); ratios need uws and fastify
  --tool         force a load generator (default wrk, autocannon when wrk is unavailable)
  --no-extras    skip spikard's start-up and build-time measurements

       node benchmarks/run.mjs --soak-only [--minutes=M]

  --soak-only    only the upload soak: spikard under mixed valid/invalid traffic with uploads,
                 aborted and stalled uploads; RSS and open descriptors sampled (default 10 minutes)`;

const BOOLEAN_FLAGS = ["quick", "no-extras", "help", "soak-only"];
const VALUE_FLAGS = ["duration", "warmup", "rounds", "connections", "only", "servers", "tool", "minutes"];

const DEFAULTS = { durationS: 5, warmupS: 2, rounds: 3, extraRuns: 5 };
const QUICK = { durationS: 1, warmupS: 1, rounds: 1, extraRuns: 1 };

function positive(name, value) {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number, got ${JSON.stringify(value)}`);
  return n;
}

function list(name, value, known) {
  const names = value.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length || names.length === 0) throw new Error(`--${name}: unknown ${unknown.join(", ") || "(empty)"}; known: ${known.join(", ")}`);
  return known.filter((k) => names.includes(k));
}

/**
 * Accepts `--flag=value` and `--flag value`.
 * @param {string[]} argv
 * @param {{workloads: string[], servers: string[]}} known
 */
export function parseArgs(argv, known) {
  const given = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${JSON.stringify(a)}\n${USAGE}`);
    const eq = a.indexOf("=");
    const key = eq === -1 ? a.slice(2) : a.slice(2, eq);
    const boolean = BOOLEAN_FLAGS.includes(key);
    if (!boolean && !VALUE_FLAGS.includes(key)) throw new Error(`unknown flag --${key}\n${USAGE}`);
    const value = eq !== -1 ? a.slice(eq + 1) : boolean ? "true" : argv[++i];
    if (value === undefined) throw new Error(`--${key} needs a value`);
    given[key] = value;
  }
  const quick = given.quick === "true";
  const base = quick ? QUICK : DEFAULTS;
  const opts = {
    help: given.help === "true",
    quick,
    durationS: base.durationS,
    warmupS: base.warmupS,
    rounds: base.rounds,
    extraRuns: base.extraRuns,
    connections: 50,
    workloads: known.workloads,
    servers: known.servers,
    tool: undefined,
    extras: given["no-extras"] !== "true",
    soakOnly: given["soak-only"] === "true",
    soakMinutes: 10,
  };
  for (const [key, value] of Object.entries(given)) {
    switch (key) {
      case "duration":
        opts.durationS = positive(key, value);
        break;
      case "warmup":
        opts.warmupS = positive(key, value);
        break;
      case "rounds":
        opts.rounds = Math.round(positive(key, value));
        break;
      case "connections":
        opts.connections = Math.round(positive(key, value));
        break;
      case "only":
        opts.workloads = list(key, value, known.workloads);
        break;
      case "servers":
        opts.servers = list(key, value, known.servers);
        break;
      case "minutes":
        opts.soakMinutes = positive(key, value);
        break;
      case "tool":
        if (value !== "wrk" && value !== "autocannon") throw new Error(`--tool must be wrk or autocannon, got ${JSON.stringify(value)}`);
        opts.tool = value;
        break;
    }
  }
  return opts;
}

/**
 * Where a run's results go: `latest` only for a full run (all servers and
 * workloads, not quick), so a partial or quick run never replaces them.
 */
export function resultName(opts, known) {
  const full = !opts.quick && opts.servers.length === known.servers.length && opts.workloads.length === known.workloads.length;
  return full ? "latest" : "partial";
}
