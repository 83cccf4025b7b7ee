// Pure: wrk's text output (plus the BENCH_JSON line of wrk/request.lua) into
// the one result shape the harness uses for both load generators.

const TIME_UNITS_US = { us: 1, ms: 1e3, s: 1e6, m: 60e6, h: 3600e6 };

/** "798.00us" | "1.26ms" | "2.01s" | "1.50m" -> microseconds. */
export function parseDurationUs(text) {
  const m = /^\s*([\d.]+)\s*(us|ms|s|m|h)\s*$/.exec(text);
  if (!m) throw new Error(`not a wrk duration: ${JSON.stringify(text)}`);
  return Number(m[1]) * TIME_UNITS_US[m[2]];
}

/**
 * @typedef {object} LoadResult
 * @property {number} requests     responses received
 * @property {number} bad          responses with the wrong status (not 2xx, or not the expected status)
 * @property {number} socketErrors connect/read/write/timeout errors
 * @property {number} rps          all responses per second, as the tool reports it
 * @property {number} okRps        correct responses per second: the number that is compared
 * @property {{p50: number, p99: number, p999: number}} latencyUs
 */

/** @returns {LoadResult} */
export function parseWrkOutput(text) {
  const num = (re) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const rps = num(/^Requests\/sec:\s+([\d.]+)/m);
  if (rps === undefined) throw new Error(`wrk printed no Requests/sec:\n${text}`);
  const dist = {};
  for (const m of text.matchAll(/^\s+(50|75|90|99(?:\.\d+)?)%\s+([\d.]+(?:us|ms|s|m|h))\s*$/gm)) dist[m[1]] = parseDurationUs(m[2]);

  const extra = /^BENCH_JSON (\{.*\})\s*$/m.exec(text);
  const json = extra ? JSON.parse(extra[1]) : undefined;
  const requests = json?.requests ?? num(/^\s+(\d+) requests in /m) ?? 0;
  const non2xx = json?.non2xx ?? num(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0;
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = json?.socket_errors ?? (socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  // With an expected status the Lua counter decides; otherwise wrk's own non-2xx count does.
  const bad = json?.expect ? json.wrong_status : non2xx;
  return {
    requests,
    bad,
    socketErrors,
    rps,
    okRps: requests > 0 ? (rps * (requests - bad)) / requests : 0,
    latencyUs: { p50: json?.p50_us ?? dist["50"], p99: json?.p99_us ?? dist["99"], p999: json?.p999_us ?? dist["99.9"] },
  };
}
