-- Writes new webhook delivery jobs, due now, each into its subscription's queue ({pg}:due:<sub>),
-- which becomes ready now unless it already is; moves each (subscription, person) newest-event
-- pointer forward (never back). A job id already queued is left alone (an event handed out twice).
-- KEYS[1] = {pg}:ready ; ARGV[1] = now ms, then per job: id, subscription, event id, person keys (csv), payload
-- Every other key is derived here and shares the {pg} hash tag, so it lives in the same slot.
local now = tonumber(ARGV[1])

local function newer(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  if not bm then return true end
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  if am ~= bm then return am > bm end
  return as > bs
end

local added = 0
for i = 2, #ARGV, 5 do
  local id, sub, ev, keys, payload = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local jk = '{pg}:job:' .. id
  if redis.call('EXISTS', jk) == 0 then
    redis.call('HSET', jk, 'sub', sub, 'event', ev, 'keys', keys, 'payload', payload, 'attempts', 0)
    redis.call('ZADD', '{pg}:due:' .. sub, ARGV[1], id)
    local ready = redis.call('ZSCORE', KEYS[1], sub)
    if not ready or tonumber(ready) > now then
      redis.call('ZADD', KEYS[1], ARGV[1], sub)
    end
    local lk = '{pg}:latest:' .. sub
    for p in string.gmatch(keys, '[^,]+') do
      local cur = redis.call('HGET', lk, p)
      if not cur or newer(ev, cur) then
        redis.call('HSET', lk, p, ev)
      end
    end
    added = added + 1
  end
end
return added
