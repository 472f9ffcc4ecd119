-- list: GET /v1.0/users/{id}/authentication/phoneMethods for a random user of the list
-- (three phones each).
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local ids, n, head

function init(args)
  ids = common.read_ids(args[1])
  n, head = #ids, common.head()
  common.seed()
end

function request()
  return common.request("GET", common.phone_methods(ids[math.random(n)]), head)
end
