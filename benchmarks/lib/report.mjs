// Pure: the results document (results/latest.json) as markdown.

export function formatUs(us) {
  if (us === undefined) return "–";
  // autocannon measures whole milliseconds, so 0 means "under a millisecond".
  if (us === 0) return "<1 ms";
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(2)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

export function formatRps(rps) {
  return rps === undefined ? "–" : Math.round(rps).toLocaleString("en-US");
}

export function formatRatio(r) {
  return r === undefined ? "–" : `${r.toFixed(2)}×`;
}

export function formatKb(kb) {
  return kb === undefined ? "–" : `${(kb / 1024).toFixed(1)} MB`;
}

const row = (cells) => `| ${cells.join(" | ")} |`;

export function renderTable(doc) {
  const label = Object.fromEntries(doc.servers.map((s) => [s.name, s.label]));
  const lines = [
    row(["workload", "server", "req/s", "p50", "p99", "p99.9", "peak RSS", `vs ${label[doc.ceiling] ?? doc.ceiling}`, `vs ${label[doc.baseline] ?? doc.baseline}`, "CPU µs/req", `req per CPU-s vs ${label[doc.ceiling] ?? doc.ceiling}`]),
    row(["---", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]),
  ];
  for (const workload of doc.workloads) {
    for (const { name } of doc.servers) {
      const c = doc.results[workload]?.[name];
      if (!c) continue;
      if (c.status === "unsupported") {
        lines.push(row([workload, label[name], "unsupported", "", "", "", "", "", "", "", ""]));
        continue;
      }
      // A run with wrong answers is still shown, but never without saying so.
      const problems = [c.bad > 0 && `${c.bad} wrong`, c.socketErrors > 0 && `${c.socketErrors} socket errors`].filter(Boolean);
      const errors = problems.length ? ` ⚠ ${problems.join(", ")}` : "";
      lines.push(row([workload, label[name], formatRps(c.rps) + errors, formatUs(c.p50Us), formatUs(c.p99Us), formatUs(c.p999Us), formatKb(c.peakRssKb), formatRatio(c.vsCeiling), formatRatio(c.vsBaseline), c.cpuUsPerRequest === undefined ? "–" : c.cpuUsPerRequest.toFixed(1), formatRatio(c.cpuVsCeiling)]));
    }
  }
  return lines.join("\n");
}

export function renderMarkdown(doc) {
  const m = doc.meta;
  const out = [
    "# Benchmark results",
    "",
    `${m.date} · Node ${m.node} · ${m.loadTool} · ${m.connections} connections · ${m.rounds} interleaved round(s) of ${m.durationS} s after ${m.warmupS} s warm-up${m.quick ? " · quick mode" : ""}.`,
    "Server pinned to CPU 0, load generator to CPU 1. Medians across rounds; ratios are medians of per-round ratios of correct responses per second, measured in this run only.",
    ...(m.cpuBusyBeforePct?.some((p) => p > 10) ? [`⚠ Other processes were using the CPUs when the run started (${m.cpuBusyBeforePct.join("%, ")}% busy); treat these numbers as noisy.`] : []),
    ...(m.loadTool === "autocannon" ? ["autocannon fallback (wrk was unavailable): latencies have 1 ms resolution and the client is slower than wrk, so the ceiling is understated."] : []),
    "",
    renderTable(doc),
  ];
  const unsupported = [];
  for (const workload of doc.workloads) {
    for (const [name, c] of Object.entries(doc.results[workload] ?? {})) {
      if (c.status === "unsupported") unsupported.push(`- ${workload} / ${name}: ${c.reason}`);
    }
  }
  // Numbers are only as good as the conditions they were measured in; say when those were off.
  const caveats = [];
  for (const workload of doc.workloads) {
    for (const [name, c] of Object.entries(doc.results[workload] ?? {})) {
      if (c.otherCpuPct > 10) caveats.push(`- ${workload} / ${name}: other processes took up to ${c.otherCpuPct}% of the server's CPU`);
      if (c.serverCpuPct !== undefined && c.serverCpuPct < 80) caveats.push(`- ${workload} / ${name}: the server used only ${c.serverCpuPct}% of its CPU, so the client side (wrk, or whatever else ran on its CPU) was the limit`);
    }
  }
  if (caveats.length) out.push("", "Caveats:", "", ...caveats);
  if (unsupported.length) out.push("", "Unsupported (failed the correctness probe, not measured):", "", ...unsupported);
  if (doc.startup || doc.build || doc.soak) {
    out.push("", "| spikard | median | runs |", "| --- | ---: | ---: |");
    const s = doc.soak;
    if (s?.startKb !== undefined) {
      const drift = `${s.driftPct >= 0 ? "+" : ""}${s.driftPct.toFixed(1)}%`;
      out.push(row([`RSS over ${s.durationS} s of all workloads at once after ${s.warmupS} s warm-in (${formatRps(s.requests)} requests)`, `${formatKb(s.startKb)} → ${formatKb(s.endKb)} (${drift}${s.flat ? ", flat" : ", NOT flat"})`, s.samples]));
    }
    if (doc.startup) out.push(row([`start-up to first answer, ${doc.startup.routes} routes`, `${doc.startup.medianMs.toFixed(0)} ms`, doc.startup.runsMs.length]));
    if (doc.build) {
      out.push(row([`tspc + transformer, ${doc.build.routes} routes`, `${(doc.build.tspcMedianMs / 1000).toFixed(2)} s`, doc.build.tspcMs.length]));
      out.push(row([`plain tsc, same code`, `${(doc.build.tscMedianMs / 1000).toFixed(2)} s`, doc.build.tscMs.length]));
      out.push(row(["transformer cost", formatRatio(doc.build.tspcMedianMs / doc.build.tscMedianMs), ""]));
      if (doc.build.genMs !== undefined) {
        out.push(row([`spikard gen, same code`, `${(doc.build.genMedianMs / 1000).toFixed(2)} s`, doc.build.genMs.length]));
        out.push(row(["spikard gen then plain tsc, against tspc", formatRatio((doc.build.genMedianMs + doc.build.tscMedianMs) / doc.build.tspcMedianMs), ""]));
      }
    }
  }
  return `${out.join("\n")}\n`;
}

/** The upload soak (results/soak.json) as markdown. */
export function renderSoakMarkdown(doc) {
  const s = doc.soak;
  const pct = (d) => `${d >= 0 ? "+" : ""}${d.toFixed(1)}%`;
  const series = (label, v, fmt) => (v === undefined ? row([label, "–", "–", "0"]) : row([label, `${fmt(v.startKb)} → ${fmt(v.endKb)} (${pct(v.driftPct)}${v.flat ? ", flat" : ", NOT flat"})`, `${fmt(v.minKb)} – ${fmt(v.maxKb)}`, v.samples]));
  const count = (n) => String(Math.round(n));
  const out = [
    `# spikard upload soak, ${doc.meta.date.slice(0, 16).replace("T", " ")} UTC`,
    "",
    `Commit ${doc.meta.commit ?? "?"}, Node ${doc.meta.node}, ${doc.meta.cpus} CPUs. ${s.minutes} min sampled every second after a ${s.warmupS} s warm-in; flat = the last tenth's median within ±5% of the first tenth's.`,
    "",
    row(["measure", "first → last tenth", "range", "samples"]),
    row(["---", "---:", "---:", "---:"]),
    series("RSS", s.rss, formatKb),
    series("open descriptors", s.fds, count),
    series("of which not sockets", s.fileFds, count),
    "",
    `Idle descriptors before the traffic ${s.idleFdsBefore.total} (${s.idleFdsBefore.files} not sockets), after it ${s.idleFdsAfter.total} (${s.idleFdsAfter.files}). Upload directory afterwards: ${s.leftInUploadDir.length === 0 ? "empty" : `${s.leftInUploadDir.length} files left (${s.leftInUploadDir.slice(0, 5).join(", ")})`}; at most ${s.maxSpoolFiles} spool files at once during the run. Server ${s.alive ? "alive" : "DEAD"} at the end; ${s.serverErrors} 5xx answers.`,
    "",
    row(["traffic", "sent", "outcomes"]),
    row(["---", "---:", "---"]),
    ...Object.entries(s.traffic).map(([kind, k]) => row([kind, formatRps(k.sent), Object.entries(k.outcomes).sort((a, b) => b[1] - a[1]).map(([o, n]) => `${o}×${formatRps(n)}`).join(", ")])),
    "",
    `${formatRps(s.requests)} requests in all.`,
  ];
  return `${out.join("\n")}\n`;
}
