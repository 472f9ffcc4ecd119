-- mix: 90% reads, 10% writes over the users of the list: 45% list, 45% get (a random phone),
-- 10% update (PATCH the mobile's number, 204).
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local ids, n, head
local methods = common.method_id_list
local mobile = common.method_ids.mobile
local counter = 0

function init(args)
  ids = common.read_ids(args[1])
  n, head = #ids, common.head()
  common.seed()
end

function request()
  local r = math.random(100)
  local base = common.phone_methods(ids[math.random(n)])
  if r <= 45 then return common.request("GET", base, head) end
  if r <= 90 then return common.request("GET", base .. "/" .. methods[math.random(3)], head) end
  counter = counter + 1
  local body = string.format('{"phoneNumber":"+1 425%07d"}', (tid * 5000000 + counter) % 10000000)
  return common.request("PATCH", base .. "/" .. mobile, head, body)
end
