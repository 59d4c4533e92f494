-- Prints one JSON line with wrk's exact counters and latency percentiles (microseconds),
-- so the runner does not have to parse wrk's human-readable, unit-rounded summary.
-- wrk's Lua API: done(summary, latency, requests) runs once after the test
-- (https://github.com/wg/wrk/blob/master/SCRIPTING).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.2f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end
