-- update: PATCH …/phoneMethods/{mobile} of a random user of the list with a new number (204).
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local ids, n, head
local mobile = common.method_ids.mobile
local counter = 0

function init(args)
  ids = common.read_ids(args[1])
  n, head = #ids, common.head()
  common.seed()
end

function request()
  counter = counter + 1
  local body = string.format('{"phoneNumber":"+1 425%07d"}', (tid * 5000000 + counter) % 10000000)
  return common.request("PATCH", common.phone_methods(ids[math.random(n)]) .. "/" .. mobile, head, body)
end
