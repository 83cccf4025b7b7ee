-- One script for every workload: lib/wrk.mjs passes the request through the
-- environment (the body as a file, so multipart bytes arrive untouched).
--   BENCH_METHOD, BENCH_HEADERS ("name: value" lines), BENCH_BODY_FILE,
--   BENCH_EXPECT_STATUS (count every other status as a failure)
-- and done() prints a BENCH_JSON line with what wrk's text output lacks
-- (p99.9, and the count of responses with the wrong status).

wrk.method = os.getenv("BENCH_METHOD") or "GET"

local headers = os.getenv("BENCH_HEADERS") or ""
for name, value in headers:gmatch("([^:\n]+):%s*([^\n]*)") do
  wrk.headers[name] = value
end

local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
end

local expect = tonumber(os.getenv("BENCH_EXPECT_STATUS") or "")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- Only defined when a specific status is expected: wrk skips response
-- parsing into Lua entirely when this function does not exist.
if expect then
  wrong = 0
  function response(status, headers, body)
    if status ~= expect then
      wrong = wrong + 1
    end
  end
end

function done(summary, latency, requests)
  local wrong_total = 0
  if expect then
    for _, t in ipairs(threads) do
      wrong_total = wrong_total + (t:get("wrong") or 0)
    end
  end
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"non2xx":%d,"wrong_status":%d,"expect":%d,"p50_us":%.1f,"p99_us":%.1f,"p999_us":%.1f,"socket_errors":%d}\n',
    summary.requests, summary.duration, summary.errors.status, wrong_total, expect or 0,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
