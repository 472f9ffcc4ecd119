-- Shared by the scenario scripts (loaded with dofile): id lists, request building, per-thread
-- counters, and one machine-readable summary line that bench/run.sh parses.
--
-- Every script is started as
--   wrk -t2 -cN -dS --latency -s bench/lua/SCENARIO.lua URL -- IDS_FILE THREADS
-- with the bearer token in $BENCH_TOKEN. IDS_FILE holds one user object id per line.

local common = {}

-- Method ids are fixed per phone type.
common.method_ids = {
  mobile = "3179e48a-750b-4051-897c-87b9720928f7",
  alternateMobile = "b6332ec1-7057-4abe-9331-3d72feddfe41",
  office = "e37fc753-ff3b-4958-9484-eaa9425c82bc",
}
common.method_id_list = {
  common.method_ids.mobile, common.method_ids.alternateMobile, common.method_ids.office,
}

-- Set by setup() in each thread's environment: 1-based thread number.
tid = 0
-- Counters summed over threads by done(); numbers only (wrk copies them between Lua states).
stats = {}

local threads = {}
local created = 0

function setup(thread)
  created = created + 1
  thread:set("tid", created)
  table.insert(threads, thread)
end

-- The ids of a file. With `threads`, only this thread's share (line i goes to thread
-- (i - 1) % threads + 1), so that threads never touch the same user.
function common.read_ids(path, threads)
  local f = assert(io.open(path, "r"), "cannot open " .. tostring(path))
  local ids, i = {}, 0
  for line in f:lines() do
    if #line > 0 then
      i = i + 1
      if not threads or (i - 1) % threads + 1 == tid then ids[#ids + 1] = line end
    end
  end
  f:close()
  assert(#ids > 0, "no ids for thread " .. tid .. " in " .. path)
  return ids
end

-- The headers every request carries (Host, the bearer token), ending in CRLF.
function common.head()
  local token = assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN is not set")
  local host = wrk.host
  if wrk.port then host = host .. ":" .. wrk.port end
  return "Host: " .. host .. "\r\nAuthorization: Bearer " .. token .. "\r\n"
end

function common.phone_methods(id)
  return "/v1.0/users/" .. id .. "/authentication/phoneMethods"
end

-- A raw HTTP/1.1 request: cheaper than wrk.format for every request.
function common.request(method, path, head, body, extra)
  extra = extra or ""
  if body then
    return method .. " " .. path .. " HTTP/1.1\r\n" .. head .. extra
      .. "Content-Type: application/json\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body
  end
  return method .. " " .. path .. " HTTP/1.1\r\n" .. head .. extra .. "\r\n"
end

function common.seed()
  math.randomseed(tid * 104729 + os.time())
end

function done(summary, latency, requests)
  local e = summary.errors
  local rps = summary.requests / (summary.duration / 1e6)
  local extra = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("stats")
    if s then
      for k, v in pairs(s) do extra[k] = (extra[k] or 0) + v end
    end
  end
  local line = string.format(
    "BENCH-RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d status_errors=%d socket_errors=%d"
      .. " connect_errors=%d read_errors=%d write_errors=%d timeouts=%d",
    summary.requests, summary.duration, rps, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.timeout)
  for k, v in pairs(extra) do line = line .. string.format(" %s=%d", k, v) end
  io.write(line .. "\n")
end

return common
