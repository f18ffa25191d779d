-- Claims due webhook jobs atomically. Jobs wait in one queue per subscription ({pg}:due:<sub>, job id
-- by due ms); {pg}:ready (KEYS[1]) orders the subscriptions that have jobs by when to look at them
-- next. A claim walks the due subscriptions, oldest first, and takes from each at most its free
-- slots, so no subscription's backlog can hide another's jobs:
--   * a subscription the caller has at its cap (ARGV[5], in-flight pairs after it) is passed over by
--     a table lookup, without touching its queue;
--   * every other subscription looked at either gives a job or, when nothing at its head can go now
--     (superseded jobs it just removed, people held by another claim), moves behind every due
--     subscription (score now + 1), so it is not looked at again until the next millisecond;
--   * one claim looks at no more than ARGV[6] subscriptions and jobs in all and ARGV[4] jobs per
--     subscription (plus one table lookup per subscription at its cap: the caller names those anyway).
-- A job is handed out with only its people for whom it is still the newest event ({pg}:latest:<sub>;
-- none left: superseded, deleted) and only when no live claim holds one of them (an older state is on
-- the wire). A claimed job is pushed lease ms into the future and its people are held until then: a
-- dead instance's job comes due again by itself (visibility timeout).
-- KEYS[1] = {pg}:ready ; ARGV = now ms, max jobs, lease ms, scan per subscription, cap, scan in all, [sub, in flight]...
-- Returns per job: id, subscription, event id, person keys csv, payload, attempt number, live keys csv
local now, max, lease, scan, cap, budget =
  tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local taken = {}
for i = 7, #ARGV, 2 do taken[ARGV[i]] = tonumber(ARGV[i + 1]) end
local out = {}

local function holder(h)
  local sep = string.find(h, '|', 1, true)
  return tonumber(string.sub(h, 1, sep - 1)), string.sub(h, sep + 1)
end

-- One job: claimed, removed as superseded or gone, or left waiting behind a held person. Returns
-- whether it was claimed and whether it is still among the due jobs of its queue (held back).
local function take(sub, dk, id)
  local jk = '{pg}:job:' .. id
  local f = redis.call('HMGET', jk, 'event', 'keys', 'payload')
  if not f[1] then
    redis.call('ZREM', dk, id)
    return false, false
  end
  local ev = f[1]
  local lk, bk = '{pg}:latest:' .. sub, '{pg}:busy:' .. sub
  local live = {}
  for p in string.gmatch(f[2], '[^,]+') do
    if redis.call('HGET', lk, p) == ev then table.insert(live, p) end
  end
  if #live == 0 then
    redis.call('DEL', jk)
    redis.call('ZREM', dk, id)
    return false, false
  end
  for _, p in ipairs(live) do
    local h = redis.call('HGET', bk, p)
    if h then
      local untilMs, jobId = holder(h)
      if untilMs > now and jobId ~= id then return false, true end
    end
  end
  local untilMs = string.format('%d', now + lease)
  for _, p in ipairs(live) do redis.call('HSET', bk, p, untilMs .. '|' .. id) end
  local attempt = redis.call('HINCRBY', jk, 'attempts', 1)
  redis.call('ZADD', dk, untilMs, id)
  table.insert(out, {id, sub, ev, f[2], f[3], attempt, table.concat(live, ',')})
  return true, lease <= 0
end

-- Looks at one subscription's due jobs; returns when to look at it next (nil: its queue is empty).
-- Reads the queue a page at a time, no more ids than it still needs (the pages grow while jobs are
-- held back): a claimed job leaves the due range (pushed lease ms ahead) and a superseded one leaves the queue, so the next page starts after
-- the jobs held back, which stay where they are.
local function visit(sub)
  local dk = '{pg}:due:' .. sub
  local free, got, looked, stayed = cap - (taken[sub] or 0), 0, 0, 0
  budget = budget - 1
  local limit = math.max(0, math.min(scan, budget))
  while got < free and #out < max and looked < limit do
    -- as many as still wanted, more once jobs are held back (pages grow, so a long held run costs few reads)
    local ids = redis.call('ZRANGEBYSCORE', dk, '-inf', now, 'LIMIT', stayed,
      math.min(math.max(free - got, stayed), limit - looked))
    if #ids == 0 then break end
    for _, id in ipairs(ids) do
      if got >= free or #out >= max then break end
      looked = looked + 1
      budget = budget - 1
      local claimed, stays = take(sub, dk, id)
      if claimed then got = got + 1 end
      if stays then stayed = stayed + 1 end
    end
  end
  taken[sub] = (taken[sub] or 0) + got
  local first = redis.call('ZRANGE', dk, 0, 0, 'WITHSCORES')
  if #first == 0 then return nil end
  local at = tonumber(first[2])
  if got == 0 and at <= now then at = now + 1 end
  return at
end

-- The ready set is only read while walking (the new places are written at the end), so paging by
-- offset sees every due subscription once.
local looked, offset = {}, 0
while #out < max and budget > 0 do
  local subs = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', offset, 100)
  if #subs == 0 then break end
  offset = offset + #subs
  for _, sub in ipairs(subs) do
    if #out >= max or budget <= 0 then break end
    if (taken[sub] or 0) < cap then
      looked[sub] = visit(sub) or false
    end
  end
end
for sub, at in pairs(looked) do
  if at then
    redis.call('ZADD', KEYS[1], string.format('%d', at), sub)
  else
    redis.call('ZREM', KEYS[1], sub)
  end
end
return out
