-- create: POST a mobile for a fresh user (no phones), each user once. Thread t takes every
-- THREADS-th id of the file. Should a thread use up its share, it starts over (those requests
-- fail with 409) and counts `exhausted`, so that bench/run.sh reruns with a larger pool.
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local ids, n, head
local next_index = 0
local body = '{"phoneNumber":"+1 2065550100","phoneType":"mobile"}'

function init(args)
  ids = common.read_ids(args[1], tonumber(args[2]))
  n, head = #ids, common.head()
  stats = { exhausted = 0, used = 0 }
end

function request()
  next_index = next_index + 1
  if next_index > n then
    next_index = 1
    stats.exhausted = stats.exhausted + 1
  end
  stats.used = stats.used + 1
  return common.request("POST", common.phone_methods(ids[next_index]), head, body)
end
