-- wrk script of the served benchmarks (bench/run_bench.py writes its input file).
--
--   wrk -t2 -c8 -d20s -s bench/wrk_requests.lua http://127.0.0.1:8765 -- FILE MODE NONCE [PACE]
--
-- FILE has one line per client: "token<TAB>document id<TAB>payload<TAB>payload...", each
-- payload a JSON object without its closing brace. MODE:
--   spans  POST /api/v1/documents/<id>/spans/ as that client, with a fresh client_id and the
--          same Idempotency-Key, as the annotate page sends them;
--   bare   POST the same bodies to /bench/bare/ (the ceiling: Django with no database work);
--   floor  POST them to /bench/floor/<id>/ (a creation's database work alone, no DRF);
--   get    GET /api/v1/documents/<id>/spans/?page_size=5000 as the first client.
-- Requests go to the clients in turn, so concurrent requests belong to different annotators.
-- PACE (milliseconds, default 0) makes each connection wait that long before its next request:
-- annotators saving at a human pace rather than as fast as the server answers.
-- done() prints one JSON line with counts and latency percentiles in microseconds.

local threads = {}
local next_thread = 1

function setup(thread)
  thread:set("thread_number", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

local clients = {}
local mode = "spans"
local nonce = "0"
local pace = 0
local counter = 0
local bad_shown = 0

local function split(line)
  local parts = {}
  for part in string.gmatch(line, "[^\t]+") do
    table.insert(parts, part)
  end
  return parts
end

function init(args)
  mode = args[2] or "spans"
  nonce = args[3] or tostring(os.time())
  pace = tonumber(args[4] or "0")
  math.randomseed(os.time() + thread_number)
  for line in io.lines(args[1]) do
    local parts = split(line)
    local payloads = {}
    for i = 3, #parts do
      table.insert(payloads, parts[i])
    end
    table.insert(clients, { token = parts[1], document = parts[2], payloads = payloads })
  end
end

function delay()
  -- Spread around the pace (0.5 to 1.5 times it), so the connections drift apart instead of
  -- arriving in step, as people do.
  if pace == 0 then
    return 0
  end
  return math.floor(pace * (0.5 + math.random()))
end

function request()
  counter = counter + 1
  if mode == "get" then
    local client = clients[1]
    return wrk.format("GET", "/api/v1/documents/" .. client.document .. "/spans/?page_size=5000", {
      ["Authorization"] = "Token " .. client.token,
      ["Accept"] = "application/json",
    })
  end
  local client = clients[(counter - 1) % #clients + 1]
  local payload = client.payloads[(counter - 1) % #client.payloads + 1]
  local key = nonce .. "-" .. thread_number .. "-" .. counter
  local path = "/bench/bare/"
  if mode == "spans" then
    path = "/api/v1/documents/" .. client.document .. "/spans/"
  elseif mode == "floor" then
    path = "/bench/floor/" .. client.document .. "/"
  end
  return wrk.format("POST", path, {
    ["Authorization"] = "Token " .. client.token,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["Idempotency-Key"] = key,
  }, payload .. ',"client_id":"' .. key .. '"}')
end

function response(status, headers, body)
  if status >= 300 and bad_shown < 3 then
    bad_shown = bad_shown + 1
    io.stderr:write("unexpected " .. status .. ": " .. string.sub(body or "", 1, 300) .. "\n")
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, ' ..
      '"read_errors": %d, "write_errors": %d, "bad_status": %d, "timeouts": %d, ' ..
      '"p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
