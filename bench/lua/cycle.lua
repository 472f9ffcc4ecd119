-- cycle: create a mobile for a user, then delete it, then create it again, over a pool of users
-- that starts with no phones. A user is never in flight twice: each request carries the user's
-- index in `client-request-id`, which the service echoes, and response() puts the user back on
-- a stack with its next step. The stack makes each connection alternate create and delete on
-- the user it just answered, whatever the pool's size. `unexpected` counts answers other than
-- 201 (create) or 204 (delete); `starved` counts requests sent while every user of the thread
-- was in flight (the pool is too small for the connections; the request is then a plain list).
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local ids, n, head
local mobile = common.method_ids.mobile
local body = '{"phoneNumber":"+1 2065550100","phoneType":"mobile"}'
local has_phone = {}   -- per user index: true once created
local ready = {}       -- stack of user indices ready for their next step
local top = 0

local function push(i)
  top = top + 1
  ready[top] = i
end

function init(args)
  ids = common.read_ids(args[1], tonumber(args[2]))
  n, head = #ids, common.head()
  for i = n, 1, -1 do
    has_phone[i] = false
    push(i)
  end
  stats = { unexpected = 0, starved = 0, creates = 0, deletes = 0 }
end

function request()
  if top == 0 then
    stats.starved = stats.starved + 1
    return common.request("GET", common.phone_methods(ids[1]), head)
  end
  local i = ready[top]
  ready[top] = nil
  top = top - 1
  local extra = "client-request-id: " .. i .. "\r\n"
  if has_phone[i] then
    return common.request("DELETE", common.phone_methods(ids[i]) .. "/" .. mobile, head, nil, extra)
  end
  return common.request("POST", common.phone_methods(ids[i]), head, body, extra)
end

function response(status, headers, _)
  local i = tonumber(headers["client-request-id"])
  if not i or not ids[i] then return end -- a starved list request
  if has_phone[i] then
    if status == 204 then stats.deletes = stats.deletes + 1 else stats.unexpected = stats.unexpected + 1 end
    if status == 204 or status == 404 then has_phone[i] = false end
  else
    if status == 201 then stats.creates = stats.creates + 1 else stats.unexpected = stats.unexpected + 1 end
    if status == 201 or status == 409 then has_phone[i] = true end
  end
  push(i)
end
