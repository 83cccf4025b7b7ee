import { describe, expect, it } from "vitest";
// Only the pure modules: nothing here starts a server or a load generator.
import { parseArgs, resultName } from "./cli.mjs";
import { formatUs, renderMarkdown, renderSoakMarkdown, renderTable } from "./report.mjs";
import { median, pairedRatio, summarizeSoak, summarizeWorkload } from "./stats.mjs";
import { parseDurationUs, parseWrkOutput } from "./wrk-output.mjs";

const WRK_OK = `Running 2s test @ http://127.0.0.1:9102/upload
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.97ms    2.12ms  24.86ms   89.24%
    Req/Sec    29.71k     3.76k   37.96k    80.00%
  Latency Distribution
     50%  798.00us
     75%    2.64ms
     90%    4.22ms
     99%    1.02s
  59345 requests in 2.01s, 10.75MB read
Requests/sec:  29489.96
Transfer/sec:      5.34MB
`;

const WRK_422 = `Running 2s test @ http://127.0.0.1:9102/items
  1 threads and 50 connections
  Latency Distribution
     50%  798.00us
     75%    2.24ms
     90%    4.00ms
     99%   24.82ms
  83654 requests in 2.10s, 25.69MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 83654
Requests/sec:  39837.00
Transfer/sec:     12.23MB
BENCH_JSON {"requests":83654,"duration_us":2099907,"non2xx":83654,"wrong_status":654,"expect":422,"p50_us":798.0,"p99_us":24815.0,"p999_us":48785.0,"socket_errors":3}
`;

describe("wrk output", () => {
  it("reads latencies in every unit wrk prints", () => {
    expect(parseDurationUs("798.00us")).toBe(798);
    expect(parseDurationUs("1.26ms")).toBeCloseTo(1260);
    expect(parseDurationUs("2.01s")).toBeCloseTo(2_010_000);
    expect(parseDurationUs("1.50m")).toBeCloseTo(90_000_000);
    expect(() => parseDurationUs("12 parsecs")).toThrow(/not a wrk duration/);
  });

  it("parses the text output alone (no Lua summary line)", () => {
    const r = parseWrkOutput(WRK_OK);
    expect(r.rps).toBe(29489.96);
    expect(r.okRps).toBe(29489.96);
    expect(r.requests).toBe(59345);
    expect(r.bad).toBe(0);
    expect(r.socketErrors).toBe(0);
    expect(r.latencyUs.p50).toBe(798);
    expect(r.latencyUs.p99).toBeCloseTo(1_020_000);
    expect(r.latencyUs.p999).toBeUndefined();
  });

  it("counts only the expected status as success when the Lua script checked it", () => {
    const r = parseWrkOutput(WRK_422);
    // Every answer is a non-2xx, but only the 654 non-422s are wrong.
    expect(r.bad).toBe(654);
    expect(r.okRps).toBeCloseTo((39837 * (83654 - 654)) / 83654);
    expect(r.latencyUs).toEqual({ p50: 798, p99: 24815, p999: 48785 });
    expect(r.socketErrors).toBe(3);
  });

  it("discounts non-2xx answers when success means 2xx", () => {
    const r = parseWrkOutput(WRK_OK.replace("Requests/sec", "  Non-2xx or 3xx responses: 5345\nRequests/sec"));
    expect(r.bad).toBe(5345);
    expect(r.okRps).toBeCloseTo((29489.96 * 54000) / 59345);
  });

  it("refuses output without Requests/sec", () => {
    expect(() => parseWrkOutput("unable to connect to 127.0.0.1:9102 Connection refused")).toThrow(/Requests\/sec/);
  });
});

describe("stats", () => {
  it("takes medians of odd and even counts, skipping missing values", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([undefined, 5, Number.NaN])).toBe(5);
    expect(median([])).toBeUndefined();
  });

  it("pairs ratios by round and takes their median", () => {
    // Round 2 of b is missing, so only rounds 1 and 3 pair up.
    expect(pairedRatio([100, 200, 90], [50, undefined as unknown as number, 90])).toBe(1.5);
    expect(pairedRatio([1], [])).toBeUndefined();
  });

  const round = (okRps: number, p50 = 1000, rssKb = 50_000, serverCpuMs = 100) => ({ requests: 1000, bad: 0, socketErrors: 0, rps: okRps, okRps, latencyUs: { p50, p99: p50 * 4, p999: p50 * 9 }, rssKb, serverCpuMs });

  it("summarises a workload with ratios to the ceiling and the baseline", () => {
    const s = summarizeWorkload(
      {
        spikard: { rounds: [round(60, 1000, 50_000, 125), round(50, 1000, 50_000, 120), round(70, 1000, 50_000, 130)] },
        uws: { rounds: [round(100), round(100), round(100)] },
        fastify: { rounds: [round(30), round(25), round(35, 1000, 90_000)] },
        hono: { unsupported: "expected status 200, got 415", rounds: [] },
      },
      { ceiling: "uws", baseline: "fastify" },
    );
    expect(s.spikard).toMatchObject({ status: "ok", rounds: 3, rps: 60, p50Us: 1000, p99Us: 4000, p999Us: 9000, requests: 3000, bad: 0 });
    expect(s.spikard.vsCeiling).toBeCloseTo(0.6);
    expect(s.spikard.vsBaseline).toBe(2);
    expect(s.uws.vsCeiling).toBe(1);
    // 125 ms of CPU for 1000 answers is 125 µs each; the ceiling's 100 µs make it 0.8 of raw's requests per CPU-second.
    expect(s.spikard.cpuUsPerRequest).toBe(125);
    expect(s.spikard.cpuVsCeiling).toBeCloseTo(0.8);
    expect(s.uws.cpuVsCeiling).toBe(1);
    expect(s.fastify.peakRssKb).toBe(90_000);
    expect(s.fastify.otherCpuPct).toBe(0);
    expect(s.hono).toEqual({ status: "unsupported", reason: "expected status 200, got 415" });
  });

  it("calls a GC sawtooth flat and steady growth not", () => {
    // One GC cycle per 6 s: each tenth of a minute holds a whole cycle.
    const sawtooth = Array.from({ length: 60 }, (_, i) => 70_000 + (i % 6) * 2_000);
    expect(summarizeSoak(sawtooth)).toMatchObject({ samples: 60, startKb: 75_000, endKb: 75_000, driftPct: 0, flat: true, minKb: 70_000, maxKb: 80_000 });
    const leaking = Array.from({ length: 60 }, (_, i) => 70_000 + i * 200);
    const s = summarizeSoak(leaking)!;
    expect(s.driftPct).toBeCloseTo((100 * (81_300 - 70_500)) / 70_500);
    expect(s.flat).toBe(false);
    expect(summarizeSoak([70_000, 71_000, 72_000], 5)?.flat).toBe(true);
    expect(summarizeSoak([undefined as unknown as number])).toBeUndefined();
  });
});

describe("report", () => {
  const doc = {
    meta: { date: "2025-01-01T00:00:00.000Z", node: "20.0.0", loadTool: "wrk", connections: 50, rounds: 3, durationS: 5, warmupS: 2, quick: false },
    ceiling: "uws",
    baseline: "fastify",
    servers: [
      { name: "spikard", label: "spikard" },
      { name: "uws", label: "uWS raw" },
      { name: "fastify", label: "Fastify 5" },
    ],
    workloads: ["multipart"],
    results: {
      multipart: {
        spikard: { status: "unsupported", reason: "expected status 200, got 415" },
        uws: { status: "ok", rps: 32968.4, p50Us: 1120, p99Us: 8730, p999Us: 16220, peakRssKb: 65536, vsCeiling: 1, vsBaseline: 8.18, bad: 0, serverCpuPct: 55, otherCpuPct: 0, cpuUsPerRequest: 30.33, cpuVsCeiling: 1 },
        fastify: { status: "ok", rps: 4028, p50Us: 850, p99Us: 53050, p999Us: 1_590_000, peakRssKb: 125_747, vsCeiling: 0.1222, vsBaseline: 1, bad: 3, socketErrors: 2, serverCpuPct: 97, otherCpuPct: 25 },
      },
    },
    startup: { routes: 100, runsMs: [210, 220, 230], medianMs: 220 },
    build: { routes: 200, tspcMs: [9000], tscMs: [3000], genMs: [4500], tspcMedianMs: 9000, tscMedianMs: 3000, genMedianMs: 4500 },
    soak: { durationS: 60, warmupS: 15, requests: 4_200_000, samples: 60, startKb: 72_704, endKb: 74_240, driftPct: 2.11, flat: true },
  };

  it("formats latencies with a readable unit", () => {
    expect(formatUs(850)).toBe("850 µs");
    expect(formatUs(16220)).toBe("16.22 ms");
    expect(formatUs(1_590_000)).toBe("1.59 s");
    expect(formatUs(0)).toBe("<1 ms");
    expect(formatUs(undefined)).toBe("–");
  });

  it("renders one row per workload and server, unsupported ones marked", () => {
    const lines = renderTable(doc).split("\n");
    expect(lines[0]).toBe("| workload | server | req/s | p50 | p99 | p99.9 | peak RSS | vs uWS raw | vs Fastify 5 | CPU µs/req | req per CPU-s vs uWS raw |");
    expect(lines[2]).toBe("| multipart | spikard | unsupported |  |  |  |  |  |  |  |  |");
    expect(lines[3]).toBe("| multipart | uWS raw | 32,968 | 1.12 ms | 8.73 ms | 16.22 ms | 64.0 MB | 1.00× | 8.18× | 30.3 | 1.00× |");
    expect(lines[4]).toBe("| multipart | Fastify 5 | 4,028 ⚠ 3 wrong, 2 socket errors | 850 µs | 53.05 ms | 1.59 s | 122.8 MB | 0.12× | 1.00× | – | – |");
  });

  it("lists why a server was unsupported, disturbed measurements, and spikard's start-up and build costs", () => {
    const md = renderMarkdown(doc);
    expect(md).toContain("- multipart / uws: the server used only 55% of its CPU, so the client side (wrk, or whatever else ran on its CPU) was the limit");
    expect(md).toContain("- multipart / fastify: other processes took up to 25% of the server's CPU");
    expect(md).toContain("- multipart / spikard: expected status 200, got 415");
    expect(md).toContain("| start-up to first answer, 100 routes | 220 ms | 3 |");
    expect(md).toContain("| tspc + transformer, 200 routes | 9.00 s | 1 |");
    expect(md).toContain("| transformer cost | 3.00× |  |");
    expect(md).toContain("| spikard gen, same code | 4.50 s | 1 |");
    expect(md).toContain("| spikard gen then plain tsc, against tspc | 0.83× |  |");
    expect(md).toContain("| RSS over 60 s of all workloads at once after 15 s warm-in (4,200,000 requests) | 71.0 MB → 72.5 MB (+2.1%, flat) | 60 |");
  });
});

describe("cli", () => {
  const known = { workloads: ["hello", "query", "multipart"], servers: ["spikard", "uws", "fastify"] };

  it("publishes only full runs as latest; quick and partial runs go to partial", () => {
    expect(resultName(parseArgs([], known), known)).toBe("latest");
    expect(resultName(parseArgs(["--rounds=5"], known), known)).toBe("latest");
    expect(resultName(parseArgs(["--quick"], known), known)).toBe("partial");
    expect(resultName(parseArgs(["--only=hello"], known), known)).toBe("partial");
    expect(resultName(parseArgs(["--servers=spikard,uws"], known), known)).toBe("partial");
  });

  it("has full defaults and shorter quick ones that explicit flags override", () => {
    expect(parseArgs([], known)).toMatchObject({ quick: false, durationS: 5, warmupS: 2, rounds: 3, connections: 50, workloads: known.workloads, servers: known.servers, extras: true });
    expect(parseArgs(["--quick"], known)).toMatchObject({ quick: true, durationS: 1, rounds: 1 });
    expect(parseArgs(["--quick", "--rounds=2", "--duration", "3", "--connections=10", "--no-extras"], known)).toMatchObject({ rounds: 2, durationS: 3, connections: 10, extras: false });
  });

  it("selects workloads and servers, keeping the canonical order", () => {
    const o = parseArgs(["--only=multipart,hello", "--servers=uws,spikard", "--tool=autocannon"], known);
    expect(o.workloads).toEqual(["hello", "multipart"]);
    expect(o.servers).toEqual(["spikard", "uws"]);
    expect(o.tool).toBe("autocannon");
  });

  it("takes the upload soak alone, 10 minutes unless told", () => {
    expect(parseArgs([], known)).toMatchObject({ soakOnly: false, soakMinutes: 10 });
    expect(parseArgs(["--soak-only"], known)).toMatchObject({ soakOnly: true, soakMinutes: 10 });
    expect(parseArgs(["--soak-only", "--minutes", "0.5"], known)).toMatchObject({ soakOnly: true, soakMinutes: 0.5 });
    expect(() => parseArgs(["--soak-only", "--minutes=0"], known)).toThrow(/positive/);
  });

  it("rejects unknown names and flags", () => {
    expect(() => parseArgs(["--only=nope"], known)).toThrow(/unknown nope/);
    expect(() => parseArgs(["--rounds=0"], known)).toThrow(/positive/);
    expect(() => parseArgs(["--fast"], known)).toThrow(/unknown flag --fast/);
    expect(() => parseArgs(["--tool=ab"], known)).toThrow(/wrk or autocannon/);
  });
});

describe("upload soak report", () => {
  const series = (start: number, end: number) => ({ samples: 600, startKb: start, endKb: end, minKb: start - 1, maxKb: end + 1, driftPct: (100 * (end - start)) / start, flat: Math.abs((100 * (end - start)) / start) <= 5 });
  const doc = {
    meta: { date: "2025-01-01T12:34:56.000Z", node: "20.0.0", cpus: 2, commit: "abc1234" },
    soak: {
      minutes: 10,
      warmupS: 30,
      requests: 1_234_567,
      serverErrors: 0,
      traffic: { valid: { sent: 1_000_000, outcomes: { "200": 1_000_000 } }, "stalled-upload": { sent: 300, outcomes: { "408": 299, closed: 1 } } },
      rss: series(102_400, 104_448),
      fds: series(31, 31),
      fileFds: series(19, 21),
      maxSpoolFiles: 4,
      idleFdsBefore: { total: 20, files: 18 },
      idleFdsAfter: { total: 20, files: 18 },
      leftInUploadDir: [],
      alive: true,
    },
  };

  it("shows each series first to last tenth with its verdict, the idle descriptors, the upload directory and the traffic", () => {
    const md = renderSoakMarkdown(doc);
    expect(md).toContain("| RSS | 100.0 MB → 102.0 MB (+2.0%, flat) | 100.0 MB – 102.0 MB | 600 |");
    expect(md).toContain("| open descriptors | 31 → 31 (+0.0%, flat) | 30 – 32 | 600 |");
    expect(md).toContain("| of which not sockets | 19 → 21 (+10.5%, NOT flat) | 18 – 22 | 600 |");
    expect(md).toContain("Idle descriptors before the traffic 20 (18 not sockets), after it 20 (18). Upload directory afterwards: empty; at most 4 spool files at once");
    expect(md).toContain("| stalled-upload | 300 | 408×299, closed×1 |");
    expect(md).toContain("1,234,567 requests in all.");
  });
});
