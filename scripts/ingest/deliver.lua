-- wrk script for scripts/ingest.sh, for both kinds of delivery the
-- server takes (INGEST_KIND):
--   github: signed push deliveries, each with a delivery id of its own.
--     The signature covers the body only, so the bodies (one per
--     repository) are signed once, up front, by ingest.sh, and only
--     X-GitHub-Delivery changes from one request to the next.
--   aws: EventBridge events as an API destination posts them to
--     /webhooks/aws, token header set; the event id is in the body, so
--     each body is its template with "@ID@" replaced by an id of its own.
-- INGEST_DATA names a Lua file returning the bodies:
--   { {body = "...", sig = "sha256=..."}, ... }   (sig for github only)
-- INGEST_TOKEN is the aws kind's X-Bumpbot-Token.
-- INGEST_RUN prefixes the ids so runs against one server never collide
-- (a collision would be answered 200 duplicate, not 202).

local data = dofile(os.getenv("INGEST_DATA"))
local run = os.getenv("INGEST_RUN") or "run"
local aws = os.getenv("INGEST_KIND") == "aws"
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
  if aws then
    wrk.headers["X-Bumpbot-Token"] = os.getenv("INGEST_TOKEN")
  else
    wrk.headers["X-GitHub-Event"] = "push"
  end
end

function request()
  n = n + 1
  local d = data[(n % #data) + 1]
  local id = run .. "-" .. tid .. "-" .. n
  if aws then
    return wrk.format(nil, "/webhooks/aws", nil, (d.body:gsub("@ID@", id, 1)))
  end
  wrk.headers["X-Hub-Signature-256"] = d.sig
  wrk.headers["X-GitHub-Delivery"] = id
  return wrk.format(nil, "/webhooks/github", nil, d.body)
end

-- Only a delivery recorded as work counts: both endpoints also answer 202
-- to what they ignore, and a load test of that path would flatter.
function response(status, headers, body)
  if status == 202 and body:find("queued", 1, true) then
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
