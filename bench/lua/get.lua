-- get: GET …/phoneMethods/{method id} for a random user of the list and a random one of its
-- three phones.
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local ids, n, head
local methods = common.method_id_list

function init(args)
  ids = common.read_ids(args[1])
  n, head = #ids, common.head()
  common.seed()
end

function request()
  local path = common.phone_methods(ids[math.random(n)]) .. "/" .. methods[math.random(3)]
  return common.request("GET", path, head)
end
