-- list-one: GET /v1.0/users/{id}/authentication/phoneMethods for the first user of the list,
-- the same request every time, as reference.sh's list asks for its one user: the service's
-- per-request cost against the reference's under the same client, without the cost of spreading
-- reads over 100,000 users (pages and index paths that are not in the CPU's caches).
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local req

function init(args)
  local ids = common.read_ids(args[1])
  req = common.request("GET", common.phone_methods(ids[1]), common.head())
end

function request()
  return req
end
