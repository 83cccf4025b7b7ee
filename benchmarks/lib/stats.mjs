// Pure: medians across rounds and ratios between servers.

export function median(values) {
  const xs = values.filter((v) => typeof v === "number" && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return undefined;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/**
 * The median of per-round ratios a[i] / b[i], over the rounds where both
 * were measured. Pairing by round is what interleaving buys: drift (thermal,
 * noisy neighbours) hits both sides of a pair alike and cancels out.
 */
export function pairedRatio(a, b) {
  const ratios = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] > 0 && b[i] > 0) ratios.push(a[i] / b[i]);
  }
  return median(ratios);
}

/**
 * One workload's per-server summary.
 * @param {Record<string, {unsupported?: string, rounds: Array<import("./wrk-output.mjs").LoadResult & {rssKb?: number} | undefined>}>} byServer
 *   rounds[i] is round i's measurement (undefined when the round did not measure it)
 * @param {{ceiling: string, baseline: string}} refs
 */
export function summarizeWorkload(byServer, { ceiling, baseline }) {
  const okRps = (name) => (byServer[name]?.unsupported ? [] : (byServer[name]?.rounds ?? []).map((r) => r?.okRps));
  // The server's own CPU time per answer: what a request costs it, whatever else shares the machine
  // (throughput falls when another process takes the core; CPU per request barely moves).
  const cpuPerRequest = (r) => (r?.serverCpuMs !== undefined && r.requests > 0 ? (r.serverCpuMs * 1000) / r.requests : undefined);
  const cpuUs = (name) => (byServer[name]?.unsupported ? [] : (byServer[name]?.rounds ?? []).map(cpuPerRequest));
  const out = {};
  for (const [name, cell] of Object.entries(byServer)) {
    if (cell.unsupported) {
      out[name] = { status: "unsupported", reason: cell.unsupported };
      continue;
    }
    const rounds = cell.rounds.filter(Boolean);
    const sum = (k) => rounds.reduce((a, r) => a + r[k], 0);
    out[name] = {
      status: "ok",
      rounds: rounds.length,
      rps: median(rounds.map((r) => r.okRps)),
      p50Us: median(rounds.map((r) => r.latencyUs.p50)),
      p99Us: median(rounds.map((r) => r.latencyUs.p99)),
      p999Us: median(rounds.map((r) => r.latencyUs.p999)),
      serverCpuPct: median(rounds.map((r) => r.serverPct)),
      otherCpuPct: rounds.reduce((a, r) => Math.max(a, r.otherPct ?? 0), 0),
      peakRssKb: rounds.reduce((a, r) => Math.max(a, r.rssKb ?? 0), 0) || undefined,
      requests: sum("requests"),
      bad: sum("bad"),
      socketErrors: sum("socketErrors"),
      vsCeiling: pairedRatio(okRps(name), okRps(ceiling)),
      cpuUsPerRequest: median(rounds.map(cpuPerRequest).filter((v) => v !== undefined)),
      // Requests per CPU-second against the ceiling's, paired by round: above 1 is cheaper than raw uWS.
      cpuVsCeiling: pairedRatio(cpuUs(ceiling), cpuUs(name)),
      vsBaseline: pairedRatio(okRps(name), okRps(baseline)),
    };
  }
  return out;
}

/**
 * RSS over a long run, from samples taken at a fixed interval: the median of
 * the first tenth against the median of the last tenth. A server that keeps
 * something per request grows steadily, which `driftPct` shows; a GC
 * sawtooth does not move the medians. Flat means within ±`tolerancePct`.
 * @param {number[]} samplesKb
 */
export function summarizeSoak(samplesKb, tolerancePct = 5) {
  const xs = samplesKb.filter((v) => typeof v === "number" && v > 0);
  if (xs.length < 2) return undefined;
  const tenth = Math.max(1, Math.floor(xs.length / 10));
  const startKb = median(xs.slice(0, tenth));
  const endKb = median(xs.slice(-tenth));
  const driftPct = (100 * (endKb - startKb)) / startKb;
  return { samples: xs.length, startKb, endKb, minKb: Math.min(...xs), maxKb: Math.max(...xs), driftPct, flat: Math.abs(driftPct) <= tolerancePct };
}
