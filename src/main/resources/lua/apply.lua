-- One poll cycle's result, all or nothing (see RedisPresenceStore#apply).
-- KEYS: 1 state hash, 2 event stream, 3 poll lease
-- ARGV: 1 fencing token, 2 event timestamp, 3 log size (MAXLEN ~), 4 batch JSON:
--   {"put":[[key, stateJson], ...], "removed":[key, ...],
--    "changes":[[key, stateJson, orgId, status, statusMessage], ...]}
-- Returns a flat array: eventId1, "i,j,..." (1-based change indexes in that event), eventId2, ...
local lease = redis.call('GET', KEYS[3])
local current = 0
if lease then
  current = tonumber(string.match(lease, '|(%d+)$')) or 0
end
if current ~= tonumber(ARGV[1]) then
  -- no lease (expired, flushed) or another holder's token: this poller is not the poller now
  return redis.error_reply('STALE ' .. current)
end

local batch = cjson.decode(ARGV[4])
for _, kv in ipairs(batch.put) do
  redis.call('HSET', KEYS[1], kv[1], kv[2])
end
for _, key in ipairs(batch.removed) do
  redis.call('HDEL', KEYS[1], key)
end

-- a change already stored (a repeated batch, or a racing poller) is never emitted twice
local orgs, byOrg = {}, {}
for i, c in ipairs(batch.changes) do
  local stored = redis.call('HGET', KEYS[1], c[1])
  local same = false
  if stored then
    local s = cjson.decode(stored)
    local message = s.statusMessage
    if message == nil or message == cjson.null then message = '' end
    same = s.status == c[4] and message == c[5]
  end
  if not same then
    redis.call('HSET', KEYS[1], c[1], c[2])
    local org = c[3]
    if byOrg[org] == nil then
      byOrg[org] = { items = {}, indexes = {} }
      table.insert(orgs, org)
    end
    table.insert(byOrg[org].items, c[2])
    table.insert(byOrg[org].indexes, tostring(i))
  end
end

local out = {}
for _, org in ipairs(orgs) do
  local e = byOrg[org]
  local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*',
      'orgId', org, 'timestamp', ARGV[2], 'items', '[' .. table.concat(e.items, ',') .. ']')
  table.insert(out, id)
  table.insert(out, table.concat(e.indexes, ','))
end
return out
