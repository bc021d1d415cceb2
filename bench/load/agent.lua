-- wrk script for the agent: `-- FILE` POSTs FILE (an AdmissionReview) as JSON; no argument GETs the URL.
-- done() prints one machine-readable RESULT line that run-agent-load.sh turns into a table.

function init(args)
  if args[1] ~= nil then
    local file = assert(io.open(args[1], "rb"))
    wrk.method = "POST"
    wrk.body = file:read("*a")
    wrk.headers["Content-Type"] = "application/json"
    file:close()
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + e.status
  io.write(string.format("RESULT requests=%d seconds=%.3f rps=%.0f p50_us=%d p99_us=%d max_us=%d errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max, errors))
end
