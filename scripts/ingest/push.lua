-- wrk script for scripts/ingest.sh: signed push deliveries, each with a
-- delivery id of its own. The signature covers the body only, so the
-- bodies (one per repository) are signed once, up front, by ingest.sh,
-- and only X-GitHub-Delivery changes from one request to the next.
-- INGEST_DATA names a Lua file returning {secret-signed bodies}:
--   { {body = "...", sig = "sha256=..."}, ... }
-- INGEST_RUN prefixes the delivery ids so runs against one server never
-- collide (a collision would be answered 200 duplicate, not 202).

local data = dofile(os.getenv("INGEST_DATA"))
local run = os.getenv("INGEST_RUN") or "run"
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- Globals: done() reads them from each thread with thread:get.
local n = 0
accepted = 0
other = 0

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-GitHub-Event"] = "push"
end

function request()
  n = n + 1
  local d = data[(n % #data) + 1]
  wrk.headers["X-Hub-Signature-256"] = d.sig
  wrk.headers["X-GitHub-Delivery"] = run .. "-" .. tid .. "-" .. n
  return wrk.format(nil, "/webhooks/github", nil, d.body)
end

function response(status, headers, body)
  if status == 202 then
    accepted = accepted + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do
    ok = ok + t:get("accepted")
    bad = bad + t:get("other")
  end
  -- One machine-readable line for ingest.sh.
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f accepted=%d other=%d socket_errors=%d\n",
    ok / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, ok, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
