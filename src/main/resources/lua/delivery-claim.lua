-- Claims due webhook jobs atomically. A job is handed out with only its people for whom it is still
-- the newest event (none left: superseded, deleted), and only when no live claim holds one of those
-- people (an older state is on the wire). A claimed job is pushed lease ms into the future and its
-- people are held until then: a dead instance's job comes due again by itself (visibility timeout).
-- At most ARGV[5] jobs per subscription are out at once: the caller passes (subscription, in flight)
-- pairs after it, and this call counts what it claims on top.
-- KEYS[1] = {pg}:due ; ARGV = now ms, max jobs, lease ms, max scanned, per-subscription cap, [sub, in flight]...
-- Returns per job: id, subscription, event id, person keys csv, payload, attempt number, live keys csv
local now, max, lease, scan, cap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local taken = {}
for i = 6, #ARGV, 2 do taken[ARGV[i]] = tonumber(ARGV[i + 1]) end
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, scan)
local out = {}

local function holder(h)
  local sep = string.find(h, '|', 1, true)
  return tonumber(string.sub(h, 1, sep - 1)), string.sub(h, sep + 1)
end

for _, id in ipairs(ids) do
  if #out >= max then break end
  local jk = '{pg}:job:' .. id
  local f = redis.call('HMGET', jk, 'sub', 'event', 'keys', 'payload')
  if not f[1] then
    redis.call('ZREM', KEYS[1], id)
  elseif (taken[f[1]] or 0) < cap then
    local sub, ev = f[1], f[2]
    local lk, bk = '{pg}:latest:' .. sub, '{pg}:busy:' .. sub
    local live = {}
    for p in string.gmatch(f[3], '[^,]+') do
      if redis.call('HGET', lk, p) == ev then table.insert(live, p) end
    end
    if #live == 0 then
      redis.call('DEL', jk)
      redis.call('ZREM', KEYS[1], id)
    else
      local free = true
      for _, p in ipairs(live) do
        local h = redis.call('HGET', bk, p)
        if h then
          local untilMs, jobId = holder(h)
          if untilMs > now and jobId ~= id then free = false break end
        end
      end
      if free then
        local untilMs = string.format('%d', now + lease)
        for _, p in ipairs(live) do redis.call('HSET', bk, p, untilMs .. '|' .. id) end
        local attempt = redis.call('HINCRBY', jk, 'attempts', 1)
        redis.call('ZADD', KEYS[1], untilMs, id)
        table.insert(out, {id, sub, ev, f[3], f[4], attempt, table.concat(live, ',')})
        taken[sub] = (taken[sub] or 0) + 1
      end
    end
  end
end
return out
